"""GDELT event rows: 2.0 exports (61 tab-separated columns) and 1.0 daily files (58), as GDELT
publishes them; or a query's result (BigQuery, DuckDB, Spark) as CSV or TSV with a header row of
GDELT's column names, or as Parquet.

- The id is `gdelt-` and `GLOBALEVENTID`. The date is `SQLDATE`, the day the event is dated to
  (not `DATEADDED`, when GDELT read about it; some rows are dated a month or a year before their
  article, as GDELT's own coding does).
- `Actor1` and `Actor2` are the `source` and `target` of the CAMEO event, found by their CAMEO
  code (`PRK`, `USAGOV`); a code that is a country code is a state, any other an organisation and
  a member of the country its `CountryCode` names. Names are as GDELT writes them (`NORTH KOREA`).
- The type is the CAMEO `EventCode` (`cameo-042`), named and given its PLOVER category through
  PLOVER's CAMEO2PLOVER-2021 table.
- `SOURCEURL` is the source (its headline unknown: only the address is given). The place is
  `ActionGeo_FullName` at its coordinates. GDELT's scores (Goldstein, tone, mentions) are in the
  summary, which says what the row codes. Status `reported`.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any, NamedTuple

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.importing.text import coordinate, decode, rows

COLUMNS_2 = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code", "Actor1Name",
    "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode", "Actor1Religion1Code",
    "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code", "Actor2Code",
    "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code", "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "Actor1Geo_Type",
    "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID", "Actor2Geo_Type",
    "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID", "ActionGeo_Type",
    "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL"
)  # fmt: skip
# GDELT 1.0's daily files: the same, less the three ADM2 codes.
COLUMNS_1 = tuple(name for name in COLUMNS_2 if not name.endswith("ADM2Code"))
# CAMEO's twenty root codes, for the codes the PLOVER table has no line for.
ROOTS = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate",
    "04": "Consult", "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation", "07": "Provide aid", "08": "Yield",
    "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit military posture", "16": "Reduce relations", "17": "Coerce",
    "18": "Assault", "19": "Fight", "20": "Use unconventional mass violence",
}  # fmt: skip
_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")


class Cameo(NamedTuple):
    plover: str
    description: str


@functools.cache
def cameo_table() -> dict[str, Cameo]:
    """CAMEO code -> its PLOVER category and description, from PLOVER's conversion table."""
    text = resources.files("timeline.importing").joinpath("data/CAMEO2PLOVER-2021.txt")
    table: dict[str, Cameo] = {}
    for line in text.read_text(encoding="utf-8").splitlines():
        found = re.match(r"(\d{2,4}):\s*([A-Z]+)[^#]*(?:#\s*(.*))?$", line.strip())
        if found:
            code, category, description = found.groups()
            table.setdefault(code, Cameo(category, (description or "").strip()))
    return table


def event_type(code: str) -> DraftType:
    """The type of a CAMEO event code: `cameo-042` "Make a visit", PLOVER CONSULT."""
    table = cameo_table()
    found = table.get(code) or table.get(code[:3]) or table.get(code[:2])
    named = table[code].description if code in table and table[code].description else ""
    label = named or f"CAMEO {code}: {ROOTS.get(code[:2], 'unknown root')}"
    return DraftType(
        f"cameo-{code}", label, f"CAMEO event code {code}", found.plover if found else None
    )


def read(data: bytes, label: str, options: Options) -> Reading:
    if data[:4] == b"PAR1":
        return _from_parquet(data)
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ","
    drafts: list[Draft] = []
    notes: list[Note] = []
    header: list[str] | None = None
    for item in rows(text, delimiter, quoting=delimiter == ","):
        if isinstance(item, Note):
            notes.append(item)
            continue
        cells = [cell.strip() for cell in item.cells]
        if header is None and cells and cells[0] == "GLOBALEVENTID":
            header = cells  # a header row: a query's result, its columns in any order
            continue
        if header is not None:
            if len(cells) != len(header):
                notes.append(
                    Note(item.line, f"{len(cells)} cells where the header has {len(header)}")
                )
                continue
            columns: tuple[str, ...] | list[str] = header
        elif len(cells) == len(COLUMNS_2):
            columns = COLUMNS_2
        elif len(cells) == len(COLUMNS_1):
            columns = COLUMNS_1
        else:
            notes.append(
                Note(
                    item.line,
                    f"{len(cells)} columns: GDELT 2.0 rows have {len(COLUMNS_2)}, "
                    f"1.0 rows {len(COLUMNS_1)}",
                )
            )
            continue
        _add(item.line, dict(zip(columns, cells, strict=True)), drafts, notes)
    return Reading(drafts, notes, [])


def _from_parquet(data: bytes) -> Reading:
    """A query's result saved as Parquet (DuckDB, BigQuery, Spark), GDELT's column names."""
    import io

    from timeline.render.parquet import pyarrow

    pa = pyarrow()
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as error:
        return Reading([], [Note(None, f"not a Parquet file: {error}")], [], unit="record")
    drafts: list[Draft] = []
    notes: list[Note] = []
    for number, record in enumerate(table.to_pylist(), start=1):
        row = {key: "" if value is None else str(value) for key, value in record.items()}
        _add(number, row, drafts, notes)
    return Reading(drafts, notes, [], unit="record")


def _add(line: int, row: dict[str, str], drafts: list[Draft], notes: list[Note]) -> None:
    try:
        drafts.append(_event(line, row))
    except ValueError as error:
        notes.append(Note(line, str(error)))


def _event(line: int, row: dict[str, str]) -> Draft:
    get = row.get
    event_id = (get("GLOBALEVENTID") or "").strip()
    if not event_id.isdigit():
        raise ValueError(f"GLOBALEVENTID {event_id!r} is not a number")
    day = _DAY.fullmatch((get("SQLDATE") or "").strip())
    if day is None:
        raise ValueError(f"SQLDATE {get('SQLDATE')!r} is not YYYYMMDD")
    code = _cameo_code((get("EventCode") or "").strip())
    kind = event_type(code)
    actors = [actor for actor in (_actor(row, 1), _actor(row, 2)) if actor]
    place = (get("ActionGeo_FullName") or "").strip()
    names = " → ".join(a.name for a in actors) or "no actor coded"
    fields: dict[str, Any] = {
        "title": f"{kind.label}: {names}",
        "date": "-".join(day.groups()),
        "summary": _summary(row, kind, names, place),
        "status": "reported",
        "tags": ["gdelt"],
        "note": f"GDELT: added {get('DATEADDED')}; root event {get('IsRootEvent')}; "
        f"quad class {get('QuadClass')}.",
    }
    if place:
        location: dict[str, Any] = {"name": place}
        for field, column in (("lat", "ActionGeo_Lat"), ("lon", "ActionGeo_Long")):
            number = coordinate((get(column) or "").strip(), column)
            if number is not None:
                location[field] = number
        fields["location"] = location
    url = (get("SOURCEURL") or "").strip()
    return Draft(
        line=line,
        fields=fields,
        type=kind,
        actors=tuple(actors),
        sources=(DraftSource(url=url),) if url else (),
        key=f"gdelt-{event_id}",
    )


def _cameo_code(code: str) -> str:
    """A CAMEO code as CAMEO writes it. A query that stored it as a number lost its leading
    zero: 40 was 040, and 311 (no CAMEO code: three-digit codes run 010 to 204) was 0311."""
    if not code.isdigit():
        raise ValueError(f"EventCode {code!r} is not a CAMEO code")
    if len(code) < 3:
        return code.zfill(3)
    if len(code) == 3 and int(code) > 204:
        return code.zfill(4)
    return code


def _actor(row: dict[str, str], number: int) -> DraftActor | None:
    code = (row.get(f"Actor{number}Code") or "").strip()
    name = (row.get(f"Actor{number}Name") or "").strip()
    if not code and not name:
        return None
    country = (row.get(f"Actor{number}CountryCode") or "").strip()
    is_state = bool(code) and code == country and len(code) == 3
    return DraftActor(
        name or code,
        "source" if number == 1 else "target",
        code or None,
        kind="state" if is_state else "organisation",
        member_of=country if country and not is_state else None,
    )


def _summary(row: dict[str, str], kind: DraftType, names: str, place: str) -> str:
    get = row.get
    where = f" in {place}" if place else ""
    return (
        f"GDELT codes {names}{where} as CAMEO {kind.id.removeprefix('cameo-')} "
        f"({kind.label}). Goldstein scale {get('GoldsteinScale')}, average tone "
        f"{get('AvgTone')}; {get('NumMentions')} mentions in {get('NumSources')} sources and "
        f"{get('NumArticles')} articles."
    )
