"""Ids made from text: `Hanoi summit` in 2019 -> `hanoi-summit-2019`; names -> actor ids.

An id is a slug, `[a-z0-9][a-z0-9-]*`: ASCII letters folded from any script that decomposes to
them (`Rózsa Péter` -> `rozsa-peter`), dashes and punctuation as separators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from timeline.dates import PartialDate

# Words an id can do without.
STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "in", "on", "at", "to", "and", "for", "with", "by", "from", "as"}
)


def words(text: str) -> list[str]:
    """The ASCII words of `text`, lower-cased: dashes separate words, as hyphens do."""
    spaced = re.sub(r"[\u2010-\u2015]", " ", text)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded.lower())


def slug(text: str, *, limit: int = 60) -> str:
    """`text` as a slug of at most `limit` characters, cut between words; empty if it has none."""
    found = words(text)
    kept: list[str] = []
    for word in found:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept and found:  # one word longer than the limit
        return found[0][:limit]
    return "-".join(kept)


def year_slug(text: object) -> str:
    """The year of a date as an id ends with it: `2019`, `602`, `37-bce` (for `-0036`)."""
    try:
        date = PartialDate.parse(str(text))
    except ValueError:
        date = None
    if date is None or date.is_open:
        return "undated"
    return str(date.year) if date.year > 0 else f"{1 - date.year}-bce"


def unique(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def propose_id(title: str, year: str, taken: Container[str]) -> str:
    """A short, guessable, unused id from a title and a year: `Hanoi summit` -> `hanoi-summit-2019`."""
    kept = [word for word in words(title) if word not in STOP_WORDS and word != year][:4]
    return unique("-".join([*(kept or ["event"]), year]), taken)
