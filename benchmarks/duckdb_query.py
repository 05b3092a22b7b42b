"""The scale query asked of DuckDB, a reference point beside jq: `duckdb_query.py LOG OUT.csv`.

Events whose actors include DPRK or one of its people and that reach 2023, written as CSV.
"""

from __future__ import annotations

import sys

import duckdb

QUERY = """
COPY (
    WITH doc AS (
        SELECT * FROM read_json(
            $log, format = 'unstructured', maximum_object_size = 2147483647,
            columns = {'actors': 'JSON[]', 'events': 'JSON[]'}
        )
    ),
    who AS (
        SELECT a ->> 'id' AS id FROM (SELECT unnest(actors) AS a FROM doc)
        WHERE list_contains(CAST(coalesce(a -> 'member_of', '[]') AS VARCHAR[]), 'DPRK')
        UNION SELECT 'DPRK'
    ),
    chosen AS (SELECT unnest(events) AS e FROM doc)
    SELECT e ->> 'id' AS id, e ->> 'date' AS date, e ->> 'end' AS "end",
           e ->> 'title' AS title, e ->> 'type' AS type
    FROM chosen
    WHERE coalesce(e ->> 'end', e ->> 'date') >= '2023'
      AND EXISTS (
          SELECT 1 FROM unnest(CAST(e -> 'actors' AS JSON[])) AS t(a)
          WHERE coalesce(a ->> 'id', a ->> '$') IN (SELECT id FROM who)
      )
) TO '{out}' (HEADER, DELIMITER ',')
"""


def main() -> None:
    log, out = sys.argv[1], sys.argv[2]
    duckdb.execute(QUERY.replace("{out}", out.replace("'", "''")), {"log": log})


if __name__ == "__main__":
    main()
