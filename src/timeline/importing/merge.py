"""Drafts into a log: actors found or added, sources shared, types declared, ids kept stable.

- An actor is the one the log already has under that code, name or alias (any case), or the one
  `--actors` maps the name to; otherwise it is added, with the file's code as its id where that
  is a valid id (`PRK`), else a slug of its name.
- A source is the log's source with the same URL, or the same citation; otherwise it is added.
- A type the log's vocabulary lacks is declared, with the format's label and PLOVER category.
- An event's id comes from the file's own stable id where it has one, else from its title and
  year. An event the log already has, unchanged, is left alone; a changed one is replaced only
  when asked (`update`), and reported either way.
- A draft that cannot become a valid event is reported with its line and left out; what only
  it needed (a new actor, source or type) is left out with it.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from timeline.dates import PartialDate
from timeline.document import compact_record, era_json, event_json, type_json
from timeline.errors import TimelineError
from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.model import (
    ACTOR_ID_PATTERN,
    DEFAULT_TYPES,
    MAX_SHORT_TEXT,
    SLUG_PATTERN,
    URL_PATTERN,
)
from timeline.slugs import propose_id, slug, unique, year_slug
from timeline.store import build_log, read_record

FALLBACK_TYPE = DraftType("event", "Event", "An event the file gave no type for.")


class Labelled(NamedTuple):
    label: str  # the file a note is about
    note: Note
    unit: str = "line"


class Outcome(NamedTuple):
    document: dict[str, Any]
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    changed: list[Labelled]  # differs from the log, which keeps its own (no `update`)
    problems: list[Labelled]  # rows that could not be imported
    skipped: list[Labelled]  # rows that are not events
    new_actors: list[str]
    new_types: list[str]
    new_sources: list[str]
    new_eras: list[str]

    @property
    def changes_log(self) -> bool:
        return bool(self.added or self.updated or self.new_eras)


def merge(
    document: dict[str, Any],
    label: str,
    readings: Sequence[tuple[str, Reading]],
    *,
    options: Options,
    update: bool = False,
    tick: Callable[[], None] | None = None,
) -> Outcome:
    """The log `document` (named `label`) with the drafts of every reading merged in.

    Raises TimelineError if the log itself is not valid, or if `options` name an actor it lacks.
    """
    return _Merger(document, label, options, update).run(readings, tick)


class _Merger:
    def __init__(self, document: dict[str, Any], label: str, options: Options, update: bool):
        log = build_log(document, label)  # the log must be valid before anything comes in
        self.label = label
        self.options = options
        self.update = update
        self.document = copy.deepcopy(document)
        self.vocabulary = {entry.id for entry in log.vocabulary}
        self.declared = log.types is not None
        self.new_types: list[dict[str, Any]] = []
        # Actors: every id, name and alias, folded, to the id it names.
        self.names: dict[str, str] = {}
        for actor in log.actors:
            for name in (actor.id, actor.name, *actor.aliases):
                self.names.setdefault(name.casefold(), actor.id)
        self.new_actors: dict[str, dict[str, Any]] = {}
        for name, actor_id in options.actor_ids.items():
            if actor_id not in {actor.id for actor in log.actors}:
                raise TimelineError(
                    f"--actors maps {name!r} to {actor_id!r}, an actor {label} lacks"
                )
        self.mapped = {name.casefold(): actor_id for name, actor_id in options.actor_ids.items()}
        # Sources, by URL and by citation.
        self.by_url = {s.url: s.id for s in log.sources if s.url}
        self.by_citation = {s.citation: s.id for s in log.sources if s.citation and not s.url}
        self.source_ids = {s.id for s in log.sources}
        self.new_sources: dict[str, dict[str, Any]] = {}
        # Events: the log's, by id, in the shape they are compared in.
        self.existing = {event.id: event for event in log.events}
        self.positions = {event["id"]: i for i, event in enumerate(self.document["events"])}
        self.era_ids = {era.id: era for era in log.eras}
        self.units: dict[str, str] = {}  # each file's: what its notes' numbers count

    def _labelled(self, file_label: str, note: Note) -> Labelled:
        return Labelled(file_label, note, self.units.get(file_label, "line"))

    # The run -----------------------------------------------------------------------------------

    def run(
        self, readings: Sequence[tuple[str, Reading]], tick: Callable[[], None] | None
    ) -> Outcome:
        added: dict[str, tuple[str, int, dict[str, Any]]] = {}  # id -> (file, line, event)
        updated: list[str] = []
        unchanged: list[str] = []
        changed: list[Labelled] = []
        problems: list[Labelled] = []
        skipped: list[Labelled] = []
        new_eras: list[str] = []
        seen: dict[str, tuple[str, int]] = {}  # ids this import has given, to where
        for file_label, reading in readings:
            self.units[file_label] = reading.unit
            for note in reading.notes:
                (skipped if note.skipped else problems).append(self._labelled(file_label, note))
            for era in reading.eras:
                self._era(era, file_label, new_eras, changed, problems)
            for draft in reading.drafts:
                if tick is not None:
                    tick()
                try:
                    event = self._event(draft, seen, file_label)
                except _Refused as refused:
                    problems.append(self._labelled(file_label, Note(draft.line, str(refused))))
                    continue
                event_id = event["id"]
                seen[event_id] = (file_label, draft.line)
                if event_id not in self.existing:
                    added[event_id] = (file_label, draft.line, event)
                elif compact_record(event_json(self.existing[event_id])) == event:
                    unchanged.append(event_id)
                elif self.update:
                    self.document["events"][self.positions[event_id]] = event
                    updated.append(event_id)
                else:
                    changed.append(
                        self._labelled(
                            file_label,
                            Note(draft.line, f"{event_id} differs from the log's; kept the log's"),
                        )
                    )
        self._drop_broken_relations(added, problems)
        self.document["events"] = [*self.document["events"], *(e for _, _, e in added.values())]
        used_actors, used_sources, used_types = self._used()
        actors = [a for a_id, a in self.new_actors.items() if a_id in used_actors]
        sources = [s for s_id, s in self.new_sources.items() if s_id in used_sources]
        types = [t for t in self.new_types if t["id"] in used_types]
        self.document["actors"] = [*self.document.get("actors", []), *actors]
        self.document["sources"] = [*self.document.get("sources", []), *sources]
        if types:
            if not self.declared:  # the built-in vocabulary, now written out, and the new types
                self.document["types"] = [
                    compact_record(type_json(entry)) for entry in DEFAULT_TYPES
                ]
            self.document["types"] = [*self.document.get("types", []), *types]
        build_log(self.document, f"{self.label} with the imported events")  # never write worse
        return Outcome(
            document=self.document,
            added=list(added),
            updated=updated,
            unchanged=unchanged,
            changed=changed,
            problems=sorted(problems, key=_in_file_order),
            skipped=sorted(skipped, key=_in_file_order),
            new_actors=[a["id"] for a in actors],
            new_types=[t["id"] for t in types],
            new_sources=[s["id"] for s in sources],
            new_eras=new_eras,
        )

    # Events ------------------------------------------------------------------------------------

    def _event(
        self, draft: Draft, seen: dict[str, tuple[str, int]], file_label: str
    ) -> dict[str, Any]:
        fields = {key: value for key, value in draft.fields.items() if value not in (None, "", [])}
        title = fields.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _Refused("no title")
        event_id = self._event_id(draft, title, seen, file_label)
        type_id = self._type(draft.type)
        actor_refs = self._actors(draft.actors)
        unknown = [source for source in draft.source_ids if source not in self.source_ids]
        if unknown and not draft.sources:  # with URLs of its own, a row's URLs are its sources
            raise _Refused(f"unknown source {unknown[0]!r}: the log has no source of that id")
        known = [source for source in draft.source_ids if source in self.source_ids]
        sources = [*known, *(self._source(source) for source in draft.sources)]
        event = {
            "id": event_id,
            **fields,
            "type": type_id,
            "actors": actor_refs,
            "sources": list(dict.fromkeys(sources)),
        }
        record, findings = read_record("events", event)
        if record is None:
            first = findings[0]
            where = f"field {first.field!r}: " if first.field else ""
            more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
            raise _Refused(f"{where}{first.message}{more}")
        return compact_record(event_json(record))

    def _event_id(
        self, draft: Draft, title: str, seen: dict[str, tuple[str, int]], file_label: str
    ) -> str:
        if draft.key is not None:
            event_id = _key_id(draft.key)
            if event_id in seen:
                other, line = seen[event_id]
                where = "" if other == file_label else f"{other} "
                unit = self.units.get(other, "line")
                raise _Refused(f"the same id ({event_id}) as {where}{unit} {line}")
            return event_id
        base = propose_id(title, year_slug(draft.fields.get("date")), ())
        return unique(base, seen)

    def _type(self, drafted: DraftType | None) -> str:
        if drafted is None:
            wanted = self.options.type
            drafted = (
                FALLBACK_TYPE if wanted is None else DraftType(slug(wanted) or "event", wanted)
            )
        if drafted.id in self.vocabulary:
            return drafted.id
        if not re.fullmatch(SLUG_PATTERN, drafted.id):
            raise _Refused(f"type {drafted.id!r} is not an id")
        entry = {"id": drafted.id, "label": _line(drafted.label) or drafted.id}
        if drafted.description:
            entry["description"] = drafted.description
        if drafted.plover:
            entry["plover"] = drafted.plover
        self.vocabulary.add(drafted.id)
        self.new_types.append(entry)
        return drafted.id

    # Actors ------------------------------------------------------------------------------------

    def _actors(self, drafted: Sequence[DraftActor]) -> list[Any]:
        if not drafted and self.options.actor is not None:
            drafted = [DraftActor(self.options.actor)]
        if not drafted:
            raise _Refused("no actor: the file names none; say whose events they are with --actor")
        refs: dict[str, str | None] = {}
        for actor in drafted:
            actor_id = self._actor_id(actor)
            if actor_id not in refs or refs[actor_id] is None:
                refs[actor_id] = slug(actor.role, limit=40) if actor.role else None
        return [
            actor_id if role is None else {"id": actor_id, "role": role}
            for actor_id, role in refs.items()
        ]

    def _actor_id(self, actor: DraftActor) -> str:
        """The log's actor for a drafted one. A valid code is the actor's identity (so that
        the same file always gives the same answer, however often it is imported); an actor
        the file gives no usable code for is found by its name, id or alias."""
        name = _line(actor.name)
        if not name and not actor.code:
            raise _Refused("an actor with no name")
        for key in (name, actor.code or ""):
            mapped = self.mapped.get(key.casefold()) if key else None
            if mapped:
                return mapped
        code = actor.code if actor.code and re.fullmatch(ACTOR_ID_PATTERN, actor.code) else None
        found = self.names.get((code or name).casefold())
        if found:
            return found
        if len(name) > MAX_SHORT_TEXT:
            raise _Refused(f"an actor's name longer than {MAX_SHORT_TEXT} characters")
        actor_id = _unique_folded(code or slug(name, limit=40) or _hashed_slug(name), self.names)
        named = name or actor_id
        if named.casefold() in self.names:  # another actor's name: told apart by the id
            named = f"{named} ({actor_id})"
        record: dict[str, Any] = {"id": actor_id, "name": named, "kind": actor.kind}
        if actor.member_of and actor.member_of.casefold() != actor_id.casefold():
            parent = self._actor_id(DraftActor(actor.member_of, code=actor.member_of, kind="state"))
            record["member_of"] = [parent]
        self.new_actors[actor_id] = record
        for key in (actor_id, named):
            self.names.setdefault(key.casefold(), actor_id)
        return actor_id

    # Sources -----------------------------------------------------------------------------------

    def _source(self, source: DraftSource) -> str:
        url = source.url if source.url and re.fullmatch(URL_PATTERN, source.url) else None
        citation = _line(source.citation or "") or None
        if source.url and url is None:  # not a web address we link to: keep it as text
            citation = citation or _line(source.url)
        if url is not None and url in self.by_url:
            return self.by_url[url]
        if url is None:
            if not citation:
                raise _Refused("a source with neither a URL nor a citation")
            if citation in self.by_citation:
                return self.by_citation[citation]
        host = (urlsplit(url).hostname or "") if url else ""
        name = source.publisher or host or citation or ""
        base = slug(name.removeprefix("www."), limit=40) or "source"
        if url is not None:  # many pages of one site: told apart by their address
            base = f"{base}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"
        source_id = unique(base, self.source_ids)
        record: dict[str, Any] = {"id": source_id}
        for key, value in (
            ("publisher", source.publisher),
            ("title", source.title),
            ("url", url),
            ("citation", citation),
            ("published", source.published),
        ):
            if value:
                record[key] = _line(value) if key != "url" else value
        if "published" in record and not _is_date(record["published"]):
            del record["published"]  # a date the file wrote in its own way: the citation keeps it
        checked, findings = read_record("sources", record)
        if checked is None:
            raise _Refused(f"source: {findings[0].field or ''} {findings[0].message}".strip())
        self.source_ids.add(source_id)
        self.new_sources[source_id] = record
        if url is not None:
            self.by_url[url] = source_id
        else:
            self.by_citation[str(citation)] = source_id
        return source_id

    # Eras --------------------------------------------------------------------------------------

    def _era(
        self,
        era: dict[str, Any],
        file_label: str,
        new_eras: list[str],
        changed: list[Labelled],
        problems: list[Labelled],
    ) -> None:
        line = era.pop("_line", None)
        title = era.get("title")
        era_id = era.get("id") or slug(str(title or ""), limit=40) or "era"
        record = {"id": era_id, **{k: v for k, v in era.items() if k != "id" and v is not None}}
        parsed, findings = read_record("eras", record)
        if parsed is None:
            first = findings[0]
            problems.append(
                self._labelled(
                    file_label, Note(line, f"era {era_id}: {first.field or ''} {first.message}")
                )
            )
            return
        if era_id in self.era_ids:
            if self.era_ids[era_id] != parsed:
                if self.update:
                    eras = self.document["eras"]
                    eras[[e["id"] for e in eras].index(era_id)] = compact_record(era_json(parsed))
                else:
                    changed.append(
                        self._labelled(
                            file_label, Note(line, f"era {era_id} differs from the log's")
                        )
                    )
            return
        self.era_ids[era_id] = parsed
        self.document["eras"] = [*self.document.get("eras", []), compact_record(era_json(parsed))]
        new_eras.append(era_id)

    # The end -----------------------------------------------------------------------------------

    def _drop_broken_relations(
        self, added: dict[str, tuple[str, int, dict[str, Any]]], problems: list[Labelled]
    ) -> None:
        """Leave out any new event that relates to an event neither the log nor the import has,
        until none does (leaving one out can break another's relation)."""
        while True:
            known = set(self.existing) | set(added)
            broken = [
                (event_id, target)
                for event_id, (_, _, event) in added.items()
                for target in (rel["id"] for rel in event.get("related", []))
                if target not in known
            ]
            if not broken:
                return
            for event_id, target in broken:
                if event_id in added:
                    file_label, line, _ = added.pop(event_id)
                    message = f"relates to {target!r}, an event neither the log nor the file has"
                    problems.append(self._labelled(file_label, Note(line, message)))

    def _used(self) -> tuple[set[str], set[str], set[str]]:
        actors: set[str] = set()
        sources: set[str] = set()
        types: set[str] = set()
        for event in self.document["events"]:
            types.add(event["type"])
            sources.update(event.get("sources", []))
            for ref in event["actors"]:
                actors.add(ref if isinstance(ref, str) else ref["id"])
        pending = list(actors)
        while pending:  # the states new actors belong to are used too
            record = self.new_actors.get(pending.pop())
            for parent in record.get("member_of", []) if record else []:
                if parent not in actors:
                    actors.add(parent)
                    pending.append(parent)
        return actors, sources, types


class _Refused(Exception):
    """A draft that cannot become an event, and why."""


def _line(text: str) -> str:
    """Text on one line, its runs of white space one space."""
    return " ".join(text.split())


def _is_date(text: str) -> bool:
    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True


def _key_id(key: str) -> str:
    """An event id from a file's own id for the record: itself if it is one, else its slug, or
    (for a key that makes a poor slug) a slug with a hash of the whole."""
    if re.fullmatch(SLUG_PATTERN, key) and len(key) <= 100:
        return key
    made = slug(key, limit=80)
    return made or _hashed_slug(key)


def _hashed_slug(text: str) -> str:
    """A slug for text that makes a poor one (too long, or no letters): readable start, then a
    hash of the whole, so that the same text gives the same id."""
    start = slug(text, limit=40)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{start}-{digest}" if start else f"x-{digest}"


def _unique_folded(base: str, taken: dict[str, str]) -> str:
    """`base` or `base-2`, ... that no id, name or alias already folds to."""
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _in_file_order(item: Labelled) -> tuple[str, int]:
    return item.label, item.note.line or 0
