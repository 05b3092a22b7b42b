"""Apache Parquet: the typed records of `records.typed_record`, under an explicit Arrow schema,
for the engines people use past one machine (DuckDB, Spark, BigQuery, Athena).

pyarrow is an optional extra (`pip install 'timeline[parquet]'`), imported only here, when the
format is asked for.
"""

from __future__ import annotations

from typing import IO, Any

from timeline.errors import TimelineError
from timeline.query import Selection
from timeline.render.records import typed_record

MISSING = "the parquet format needs pyarrow: pip install 'timeline[parquet]'"


def pyarrow() -> Any:
    """The pyarrow module, or a clear error when it is not installed."""
    try:
        import pyarrow as pa
    except ImportError:
        raise TimelineError(MISSING) from None
    return pa


def arrow_schema() -> Any:
    """The Arrow schema of a typed record, column for column."""
    pa = pyarrow()
    text = pa.string()
    return pa.schema(
        [
            ("id", text),
            ("title", text),
            ("date", text),
            ("end", text),
            ("approximate", pa.bool_()),
            ("window", pa.bool_()),
            ("precision", text),
            ("earliest", text),
            ("latest", text),
            ("type", text),
            ("plover", text),
            ("status", text),
            ("actors", pa.list_(pa.struct([("id", text), ("role", text)]))),
            (
                "location",
                pa.struct(
                    [
                        ("name", text),
                        ("country", text),
                        ("admin1", text),
                        ("lat", pa.float64()),
                        ("lon", pa.float64()),
                    ]
                ),
            ),
            ("summary", text),
            ("assessment", text),
            ("note", text),
            ("tags", pa.list_(text)),
            ("sources", pa.list_(text)),
            ("source_urls", pa.list_(text)),
            ("source_citations", pa.list_(text)),
            ("related", pa.list_(pa.struct([("id", text), ("rel", text)]))),
            ("media", pa.struct([("url", text), ("caption", text), ("credit", text)])),
        ]
    )


def write_parquet(selection: Selection, stream: IO[str]) -> None:
    """Write the events as one Parquet file to the binary buffer beneath `stream`."""
    schema = arrow_schema()
    pa = pyarrow()
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(
        [typed_record(event, selection) for event in selection.events], schema=schema
    )
    stream.flush()
    binary = getattr(stream, "buffer", None)
    if binary is None:
        raise TimelineError("parquet is binary: write it to a file with --output")
    pq.write_table(table, binary, compression="zstd")
    binary.flush()
