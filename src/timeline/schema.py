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
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from timeline import model
from timeline.dates import PATTERN as DATE_PATTERN
from timeline.dates import PartialDate


def _partial_date(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "partial_date_type", "expected a date string (YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    try:
        return PartialDate(value)
    except ValueError as error:
        raise PydanticCustomError("partial_date", "{reason}", {"reason": str(error)}) from None


DateField = Annotated[
    PartialDate,
    PlainValidator(_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATE_PATTERN,
            "description": "A date at the precision actually known: YYYY, YYYY-MM or YYYY-MM-DD.",
            "examples": ["2019", "2019-02", "2019-02-27"],
        }
    ),
]
Slug = Annotated[str, StringConstraints(pattern=model.SLUG_PATTERN, max_length=model.MAX_ID)]
ActorId = Annotated[str, StringConstraints(pattern=model.ACTOR_ID_PATTERN, max_length=model.MAX_ID)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=model.MAX_SHORT_TEXT)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=model.MAX_TEXT)]
Url = Annotated[str, StringConstraints(pattern=model.URL_PATTERN, max_length=model.MAX_URL)]
CountryCode = Annotated[str, StringConstraints(pattern=model.COUNTRY_PATTERN)]


class Strict(BaseModel):
    """Unknown fields are an error, never silently dropped; no type coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ActorModel(Strict):
    id: ActorId
    name: ShortText
    kind: model.ActorKind
    aliases: list[ShortText] = Field(default_factory=list)
    member_of: list[ActorId] = Field(default_factory=list)


class SourceModel(Strict):
    id: Slug
    publisher: ShortText
    title: ShortText
    url: Url
    published: DateField | None = None
    note: Text | None = None


class LocationModel(Strict):
    name: ShortText
    country: CountryCode | None = None


class ActorRefModel(Strict):
    """An actor id, or an object with the id and the actor's role in the event."""

    id: ActorId
    role: Slug | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_bare_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class RelationModel(Strict):
    id: Slug
    rel: model.RelationType


class EventModel(Strict):
    id: Slug
    title: ShortText
    date: DateField
    end: DateField | None = None
    approximate: bool = False
    type: model.EventType
    actors: list[ActorRefModel] = Field(min_length=1)
    location: LocationModel | None = None
    summary: Text
    assessment: Text | None = None
    status: model.Status = "confirmed"
    tags: list[Slug] = Field(default_factory=list)
    sources: list[Slug] = Field(default_factory=list)
    related: list[RelationModel] = Field(default_factory=list)
    note: Text | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_date(
        cls, end: PartialDate | None, info: ValidationInfo
    ) -> PartialDate | None:
        start = info.data.get("date")
        problem = model.end_before_date(start, end) if isinstance(start, PartialDate) else None
        if problem:
            raise PydanticCustomError("end_before_date", "{reason}", {"reason": problem})
        return end


class LogModel(Strict):
    schema_url: str | None = Field(default=None, alias="$schema")
    title: ShortText = "Untitled timeline"
    description: Text | None = None
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
        actors=tuple(
            model.Actor(a.id, a.name, a.kind, tuple(a.aliases), tuple(a.member_of))
            for a in log.actors
        ),
        sources=tuple(
            model.Source(s.id, s.publisher, s.title, s.url, s.published, s.note)
            for s in log.sources
        ),
        events=tuple(_event(e) for e in log.events),
    )


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
        location=model.Location(e.location.name, e.location.country) if e.location else None,
        assessment=e.assessment,
        status=e.status,
        tags=tuple(e.tags),
        sources=tuple(e.sources),
        related=tuple(model.Relation(r.id, r.rel) for r in e.related),
        note=e.note,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a log file, for editors and other tools."""
    return LogModel.model_json_schema(by_alias=True)
