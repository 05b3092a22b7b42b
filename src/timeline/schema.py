"""The log's schema as Pydantic v2 models: the reference for what a valid log is.

Loading a log that `fastload` cannot vouch for goes through these models, which report every
problem with its path; `json_schema()` is generated from them. Importing this module costs a few
hundred milliseconds, so everyday commands reach it only for a log with a problem.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from timeline import model
from timeline.dates import END_PATTERN, OPEN_TEXT, PartialDate
from timeline.dates import PATTERN as DATE_PATTERN


def _partial_date(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("partial_date_type", "expected a date string such as 2023-07-18")
    if value == OPEN_TEXT:
        raise PydanticCustomError(
            "partial_date", "{reason}", {"reason": "'..' (an open end) is only for `end`"}
        )
    return _parsed(value)


def _end_date(value: object) -> PartialDate:
    if isinstance(value, str) and value == OPEN_TEXT:
        return PartialDate(value)
    return _partial_date(value)


def _parsed(value: str) -> PartialDate:
    try:
        return PartialDate(value)
    except ValueError as error:
        raise PydanticCustomError("partial_date", "{reason}", {"reason": str(error)}) from None


_DATE_DESCRIPTION = (
    "A date at the precision actually known: YYYY, YYYY-MM, YYYY-MM-DD, or a time "
    "YYYY-MM-DDThh:mm[:ss] with Z, an offset or no zone; years are astronomical (0000 = 1 BCE, "
    "-0107 = 108 BCE), Y-13800000000 for deep time."
)
DateField = Annotated[
    PartialDate,
    PlainValidator(_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATE_PATTERN,
            "description": _DATE_DESCRIPTION,
            "examples": ["2019", "2019-02", "2019-02-27", "2023-07-19T07:12+09:00", "-0107"],
        }
    ),
]
EndField = Annotated[
    PartialDate,
    PlainValidator(_end_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": END_PATTERN,
            "description": _DATE_DESCRIPTION + " `..` is an open end: still going on.",
            "examples": ["2019-02-28", ".."],
        }
    ),
]
Slug = Annotated[str, StringConstraints(pattern=model.SLUG_PATTERN, max_length=model.MAX_ID)]
ActorId = Annotated[str, StringConstraints(pattern=model.ACTOR_ID_PATTERN, max_length=model.MAX_ID)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=model.MAX_SHORT_TEXT)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=model.MAX_TEXT)]
Url = Annotated[str, StringConstraints(pattern=model.URL_PATTERN, max_length=model.MAX_URL)]
CountryCode = Annotated[str, StringConstraints(pattern=model.COUNTRY_PATTERN)]
Colour = Annotated[str, StringConstraints(pattern=model.COLOUR_PATTERN)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class Strict(BaseModel):
    """Unknown fields are an error, never silently dropped; no type coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TypeModel(Strict):
    id: Slug
    label: ShortText
    description: Text | None = None
    plover: model.PloverCategory | None = None
    colour: Colour | None = None


class EraModel(Strict):
    id: Slug
    title: ShortText
    date: DateField
    end: EndField
    note: Text | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_date(cls, end: PartialDate, info: ValidationInfo) -> PartialDate:
        return _checked_end(end, info)


class ActorModel(Strict):
    id: ActorId
    name: ShortText
    kind: model.ActorKind
    aliases: list[ShortText] = Field(default_factory=list)
    member_of: list[ActorId] = Field(default_factory=list)


class SourceModel(Strict):
    """A source is found by its `url`, or described by a `citation` when it has none."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["url"]}, {"required": ["citation"]}]}
    )

    id: Slug
    publisher: ShortText | None = None
    title: ShortText | None = None
    url: Url | None = None
    published: DateField | None = None
    note: Text | None = None
    citation: Text | None = None
    archive: Url | None = None
    primary: bool = Field(
        default=False,
        description="The actor's own record: a government statement or transcript, a UN "
        "document, a treaty text, a court ruling, an agency's release.",
    )
    copy_: bool = Field(
        default=False,
        alias="copy",
        description="A syndicated, mirrored or reprinted copy of another publisher's page.",
    )

    @model_validator(mode="after")
    def _found_somehow(self) -> SourceModel:
        if self.url is None and self.citation is None:
            raise PydanticCustomError(
                "source_unfindable", "a source needs a url or a citation (free text)"
            )
        return self


class LocationModel(Strict):
    name: ShortText
    country: CountryCode | None = None
    admin1: ShortText | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


class MediaModel(Strict):
    url: Url
    caption: ShortText | None = None
    credit: ShortText | None = None


class ActorRefModel(Strict):
    """An actor id, or an object with the id and the actor's role in the event."""

    id: ActorId
    role: Slug | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_bare_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        as_object = handler.resolve_ref_schema(handler(schema))
        bare_id = {
            "type": "string",
            "pattern": model.ACTOR_ID_PATTERN,
            "maxLength": model.MAX_ID,
            "description": "An actor id: the actor takes part, with no particular role.",
        }
        return {"anyOf": [bare_id, as_object]}


class RelationModel(Strict):
    id: Slug
    rel: model.RelationType


class EventModel(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"window": {"const": True}}, "required": ["window"]},
            "then": {
                "required": ["end"],
                "properties": {"end": {"type": "string", "not": {"const": OPEN_TEXT}}},
            },
        }
    )

    id: Slug
    title: ShortText
    date: DateField
    end: EndField | None = None
    approximate: bool = False
    window: bool = False
    type: Slug
    actors: list[ActorRefModel] = Field(min_length=1)
    location: LocationModel | None = None
    summary: Text
    assessment: Text | None = None
    status: model.Status = "confirmed"
    tags: list[Slug] = Field(default_factory=list)
    sources: list[Slug] = Field(default_factory=list)
    related: list[RelationModel] = Field(default_factory=list)
    media: MediaModel | None = None
    note: Text | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_date(
        cls, end: PartialDate | None, info: ValidationInfo
    ) -> PartialDate | None:
        return None if end is None else _checked_end(end, info)

    @model_validator(mode="after")
    def _window_has_an_end(self) -> EventModel:
        problem = model.window_problem(self.window, self.end)
        if problem:
            raise PydanticCustomError("window_without_end", "{reason}", {"reason": problem})
        return self


def _checked_end(end: PartialDate, info: ValidationInfo) -> PartialDate:
    start = info.data.get("date")
    problem = model.end_before_date(start, end) if isinstance(start, PartialDate) else None
    if problem:
        raise PydanticCustomError("end_before_date", "{reason}", {"reason": problem})
    return end


class LogModel(Strict):
    schema_url: str | None = Field(default=None, alias="$schema")
    title: ShortText = "Untitled timeline"
    description: Text | None = None
    types: list[TypeModel] | None = None
    eras: list[EraModel] = Field(default_factory=list)
    actors: list[ActorModel] = Field(default_factory=list)
    sources: list[SourceModel] = Field(default_factory=list)
    events: list[EventModel] = Field(default_factory=list)

    model_config = ConfigDict(populate_by_name=False, title="timeline log")


def validate(document: Any) -> model.Log:
    """The log in `document` (parsed JSON), or `pydantic.ValidationError` listing every problem."""
    return to_runtime(LogModel.model_validate(document))


def to_runtime(log: LogModel) -> model.Log:
    return model.Log(
        title=log.title,
        description=log.description,
        schema_url=log.schema_url,
        actors=tuple(_actor(a) for a in log.actors),
        sources=tuple(_source(s) for s in log.sources),
        events=tuple(_event(e) for e in log.events),
        types=None if log.types is None else tuple(_type(t) for t in log.types),
        eras=tuple(_era(e) for e in log.eras),
    )


def valid_records(document: dict[str, Any]) -> model.Records:
    """The records of a log that is not valid as a whole, for their references to be checked.

    So that `validate` reports every problem in one run: a record whose fields that name other
    records (actors, sources, relations, memberships) are well formed is checked against the
    others whatever else is wrong with it; its other faulty fields are already reported.
    """
    sections: dict[str, list[tuple[int, Any]]] = {
        "types": [],
        "eras": [],
        "actors": [],
        "sources": [],
        "events": [],
    }
    ids: dict[str, list[tuple[int, str]]] = {name: [] for name in sections}
    readers: dict[str, tuple[type[Strict], Any]] = {
        "types": (TypeModel, _type),
        "eras": (EraModel, _era),
        "actors": (ActorModel, _actor),
        "sources": (SourceModel, _source),
        "events": (EventModel, _event),
    }
    for name, (record_model, convert) in readers.items():
        items = document.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str):
                ids[name].append((index, item_id))
            record = _valid_enough(record_model, item)
            if record is not None:
                sections[name].append((index, convert(record)))
    declared = document.get("types")
    vocabulary = model.Vocabulary(
        model.DEFAULT_TYPES if declared is None else [entry for _, entry in sections["types"]]
    )
    if isinstance(declared, list):  # a type whose entry is faulty still exists
        vocabulary = model.Vocabulary(
            [
                *vocabulary,
                *(model.EventType(type_id, type_id) for _, type_id in ids["types"]),
            ]
        )
    return model.Records(
        sections["actors"], sections["sources"], sections["events"], ids, vocabulary
    )


# Fields that name other records, and stand-ins for required fields that are wrong.
_REFERENCES = frozenset({"actors", "sources", "related", "member_of"})
_STAND_INS = {"id": "x", "title": "x", "name": "x", "publisher": "x", "summary": "x"} | {
    "date": "2000",
    "type": model.EVENT_TYPES[0],
    "kind": model.ACTOR_KINDS[0],
    "url": "https://example.org/",
}


def _valid_enough(record_model: type[Strict], item: Any) -> Strict | None:
    """`item` as a record, with any faulty field other than a reference set aside."""
    try:
        return record_model.model_validate(item)
    except ValidationError as error:
        faulty = {detail["loc"][0] for detail in error.errors() if detail["loc"]}
    required = {name for name, field in record_model.model_fields.items() if field.is_required()}
    if (
        not isinstance(item, dict)
        or faulty & _REFERENCES
        or not faulty & required <= _STAND_INS.keys()
    ):
        return None
    kept = {key: value for key, value in item.items() if key not in faulty}
    kept.update({str(key): _STAND_INS[str(key)] for key in faulty & required})
    try:
        return record_model.model_validate(kept)
    except ValidationError:
        return None


def _actor(a: ActorModel) -> model.Actor:
    return model.Actor(a.id, a.name, a.kind, tuple(a.aliases), tuple(a.member_of))


def _source(s: SourceModel) -> model.Source:
    return model.Source(
        s.id,
        s.publisher,
        s.title,
        s.url,
        s.published,
        s.note,
        s.citation,
        s.archive,
        s.primary,
        s.copy_,
    )


def _type(t: TypeModel) -> model.EventType:
    return model.EventType(t.id, t.label, t.description, t.plover, t.colour)


def _era(e: EraModel) -> model.Era:
    return model.Era(e.id, e.title, e.date, e.end, e.note)


def _event(e: EventModel) -> model.Event:
    return model.Event(
        id=e.id,
        title=e.title,
        date=e.date,
        type=e.type,
        actors=tuple(model.ActorRef(ref.id, ref.role) for ref in e.actors),
        summary=e.summary,
        end=e.end,
        approximate=e.approximate,
        location=None
        if e.location is None
        else model.Location(
            e.location.name, e.location.country, e.location.admin1, e.location.lat, e.location.lon
        ),
        assessment=e.assessment,
        status=e.status,
        tags=tuple(e.tags),
        sources=tuple(e.sources),
        related=tuple(model.Relation(r.id, r.rel) for r in e.related),
        note=e.note,
        window=e.window,
        media=None
        if e.media is None
        else model.Media(e.media.url, e.media.caption, e.media.credit),
    )


_RECORDS: dict[str, tuple[type[Strict], Any]] = {
    "types": (TypeModel, _type),
    "eras": (EraModel, _era),
    "actors": (ActorModel, _actor),
    "sources": (SourceModel, _source),
    "events": (EventModel, _event),
}


def parse_record(section: str, raw: Any) -> Any:
    """One record of a log's `section` on its own (its references unchecked), as the model holds
    it; raises ValidationError."""
    record_model, convert = _RECORDS[section]
    return convert(record_model.model_validate(raw))


def json_schema(types: list[str] | None = None) -> dict[str, Any]:
    """The JSON Schema of a log file, for editors and other tools.

    It accepts every log `validate` accepts and refuses what JSON Schema can express of what it
    refuses; references between records, impossible dates such as 2023-02-30 and an end before
    its date are left to `validate`. Given a log's declared `types`, an event's type must be one
    of them, so that an editor completes and checks it.
    """
    document: dict[str, Any] = _portable_patterns(LogModel.model_json_schema(by_alias=True))
    if types is not None:
        document["$defs"]["EventModel"]["properties"]["type"]["enum"] = types
    return document


def _portable_patterns(value: Any) -> Any:
    """Every `pattern` made to mean the same in every regular-expression dialect.

    A pattern ends in `$`, which in ECMA-262 (what JSON Schema specifies) matches only at the end
    of the text, but in Python's `re` (the `jsonschema` library) also before a final newline: a
    slug followed by a newline would pass there although `validate` refuses it. `(?!\n)$` is the
    end of the text in both.
    """
    if isinstance(value, dict):
        return {
            key: (
                item[:-1] + "(?!\\n)$"
                if key == "pattern" and isinstance(item, str) and item.endswith("$")
                else _portable_patterns(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_portable_patterns(item) for item in value]
    return value
