"""Whether output goes to a person at a terminal, decided without importing Rich.

Follows Rich's own rules, so that the choice of layout agrees with what Rich would do: a
non-empty FORCE_COLOR or TTY_COMPATIBLE=1 means a terminal, TTY_COMPATIBLE=0 means not.
"""

from __future__ import annotations

import os
from typing import IO


def is_terminal(stream: IO[str]) -> bool:
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    if os.environ.get("FORCE_COLOR", ""):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
