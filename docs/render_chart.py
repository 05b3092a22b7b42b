"""Render `timeline chart` output as the SVG image shown in the README.

python docs/render_chart.py            # writes docs/chart.svg
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text

from timeline.dates import PartialDate
from timeline.query import Filters, select
from timeline.render.chart import write_chart
from timeline.store import bundled_log_path, load_log

WIDTH = 110


def main() -> None:
    log = load_log(bundled_log_path())
    start, stop = PartialDate("2022"), PartialDate("2024")
    selection = select(log, Filters(date_from=start, date_to=stop))
    drawn = io.StringIO()
    write_chart(selection, drawn, WIDTH, start=start.earliest, stop=stop.latest)
    console = Console(record=True, width=WIDTH + 2, file=io.StringIO())
    console.print(Text("$ timeline chart --from 2022 --to 2024", style="bold"))
    console.print(Text(drawn.getvalue().rstrip("\n")))
    target = Path(__file__).parent / "chart.svg"
    console.save_svg(str(target), title="timeline chart")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
