"""The actor registry: membership, the lane an actor is drawn in, and names. The one place.

Every command that asks "which actors does this event count for?" or "whose lane is this?" asks
here, so `list --actor`, `actors`, `stats`, `chart` and the HTML page always agree:

- An event counts for each of its actors and for every actor they belong to, along every line of
  `member_of` (Kim Jong Un's event counts for North Korea; a state's event counts for an
  organisation the state belongs to). `--actor X` is the reverse: X and all its members.
- An actor's lane is the first state on its first line of membership (a person's state, a state
  itself); an actor with no state above it is its own top: the last actor on that line.
- An id, name or alias names an actor in any case; names are unique across the registry.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

from timeline.errors import LookupFailed
from timeline.model import Actor, Event


class Actors:
    """A registry of actors with the lookups every command needs, each built once."""

    __slots__ = ("_ancestors", "_by_name", "_children", "_lanes", "by_id", "ordered")

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.ordered: tuple[Actor, ...] = tuple(actors)
        self.by_id: dict[str, Actor] = {actor.id: actor for actor in self.ordered}
        self._by_name: dict[str, Actor] | None = None
        self._children: dict[str, list[str]] | None = None
        self._lanes: dict[str, str] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Actors) and other.ordered == self.ordered

    def __hash__(self) -> int:
        return hash(self.ordered)

    def __repr__(self) -> str:
        return f"Actors({[actor.id for actor in self.ordered]!r})"

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)

    def get(self, actor_id: str) -> Actor | None:
        return self.by_id.get(actor_id)

    def name(self, actor_id: str) -> str:
        """The actor's name, or its id when the registry does not hold it."""
        actor = self.by_id.get(actor_id)
        return actor.name if actor is not None else actor_id

    # Names ------------------------------------------------------------------------------------

    def find(self, text: str) -> Actor | None:
        """The actor `text` names (its id, name or an alias, in any case), if any."""
        if self._by_name is None:
            self._by_name = {}
            for actor in self.ordered:
                for name in names_of(actor):
                    self._by_name.setdefault(name, actor)
        return self._by_name.get(text.strip().casefold())

    def resolve(self, text: str) -> Actor:
        """The actor `text` names; else `LookupFailed` suggesting close names."""
        actor = self.find(text)
        if actor is not None:
            return actor
        known = {name: actor.id for actor in self.ordered for name in names_of(actor)}
        close = difflib.get_close_matches(text.strip().casefold(), list(known), n=3, cutoff=0.6)
        hint = did_you_mean(sorted({known[name] for name in close}))
        raise LookupFailed(f"no actor called {text!r}{hint}")

    # Membership -------------------------------------------------------------------------------

    def members(self, actor_id: str) -> frozenset[str]:
        """The actor and every actor that belongs to it, directly or through others."""
        if self._children is None:
            self._children = {}
            for actor in self.ordered:
                for parent in actor.member_of:
                    self._children.setdefault(parent, []).append(actor.id)
        found = {actor_id}
        frontier = [actor_id]
        while frontier:
            for child in self._children.get(frontier.pop(), ()):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return frozenset(found)

    def ancestors(self, actor_id: str) -> tuple[str, ...]:
        """The actor and every actor it belongs to, along every line, nearest first."""
        cached = self._ancestors.get(actor_id)
        if cached is not None:
            return cached
        found: list[str] = []
        pending = [actor_id]
        while pending:
            current = pending.pop(0)
            if current in found:
                continue
            found.append(current)
            actor = self.by_id.get(current)
            if actor is not None:
                pending.extend(actor.member_of)
        self._ancestors[actor_id] = result = tuple(found)
        return result

    def lane(self, actor_id: str) -> str:
        """The first state on the actor's first line of membership, or the top of that line."""
        cached = self._lanes.get(actor_id)
        if cached is not None:
            return cached
        current, seen = actor_id, {actor_id}
        while True:
            actor = self.by_id.get(current)
            if actor is None or actor.kind == "state" or not actor.member_of:
                break
            parent = actor.member_of[0]
            if parent in seen:
                break
            current = parent
            seen.add(current)
        self._lanes[actor_id] = current
        return current

    # Events -----------------------------------------------------------------------------------

    def counted_for(self, event: Event) -> list[str]:
        """Every actor the event counts for: its own, then those they belong to (no repeats)."""
        return list(dict.fromkeys(a for ref in event.actors for a in self.ancestors(ref.id)))

    def lanes_of(self, event: Event) -> list[str]:
        """The lanes the event is drawn in: one per distinct lane of its actors, in their order."""
        return list(dict.fromkeys(self.lane(ref.id) for ref in event.actors))

    def closure(self, actor_ids: Iterable[str]) -> list[Actor]:
        """The registry's actors among `actor_ids` and all they belong to, in registry order."""
        wanted = {a for actor_id in actor_ids for a in self.ancestors(actor_id)}
        return [actor for actor in self.ordered if actor.id in wanted]


def names_of(actor: Actor) -> list[str]:
    """The folded texts that name `actor`: its id, its name and its aliases."""
    return list(
        dict.fromkeys(
            [actor.id.casefold(), actor.name.casefold(), *(a.casefold() for a in actor.aliases)]
        )
    )


def did_you_mean(candidates: Sequence[str]) -> str:
    """'; did you mean 'a' or 'b'?' for a message, or nothing when there is no candidate."""
    if not candidates:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in candidates) + "?"
