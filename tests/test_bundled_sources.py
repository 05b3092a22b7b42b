"""The bundled log stands on primary sources with headlines a reader can find, and its README
says so with numbers computed here."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from timeline.model import Log, Source
from timeline.store import load_log

ROOT = Path(__file__).resolve().parents[1]
DATA_README = ROOT / "data" / "README.md"

# Query parameters that say who clicked where, not which page: never part of a source's address.
TRACKING = re.compile(
    r"^(utm_\w*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|maca|ocid|cmpid|taid|OutUrl)$"
)
# Hosts that are gone, serve copies from a CDN, or give no stable page of their own.
RETIRED_HOSTS = {
    "newyork.cbslocal.com": "retired; CBS New York moved to cbsnews.com/newyork",
    "img1-cdn.newser.com": "an image CDN, not a page",
    "news.kitchen0.com": "a scraper",
    "cde.news": "an aggregator",
}
# What a title said when the headline was not seen and the title was made up from the address.
UNSEEN = re.compile(
    r"headline not seen|title (is )?(taken|describes|descriptive|made|rebuilt)|^\[headline", re.I
)
# The words a citation by description uses: never a title.
DESCRIBED = re.compile(r"headline (was )?not (seen|shown)", re.I)


@pytest.fixture(scope="module")
def log() -> Log:
    return load_log(ROOT / "data" / "events.json")


def sourcing(log: Log) -> dict[str, str]:
    """The figures data/README.md gives, as it words them."""
    sources = log.sources
    primary = [s for s in sources if s.primary]
    cited = Counter(source_id for event in log.events for source_id in event.sources)
    by_id = log.sources_by_id
    with_primary = [e for e in log.events if any(by_id[s].primary for s in e.sources)]
    per_event = [len(e.sources) for e in log.events]
    return {
        "events": f"{len(log.events)}",
        "sources": f"{len(sources)}",
        "actors": f"{len(log.actors)}",
        "primary": f"{len(primary)}",
        "primary share": f"{round(100 * len(primary) / len(sources))}%",
        "events with a primary record": f"{len(with_primary)}",
        "copies": f"{sum(1 for s in sources if s.copy)}",
        "cited by description, headline not shown": f"{sum(1 for s in sources if not s.title)}",
        "sources per event (median)": f"{statistics.median(per_event):g}",
        "sources cited by more than one event": f"{sum(1 for n in cited.values() if n > 1)}",
        "publishers": f"{len({s.publisher for s in sources if s.publisher})}",
    }


def primary_share(log: Log) -> float:
    return sum(1 for s in log.sources if s.primary) / len(log.sources)


def test_at_least_two_sources_in_five_are_primary_records(log: Log) -> None:
    assert primary_share(log) >= 0.40


def test_every_event_cites_a_primary_record_or_says_why_there_is_none(log: Log) -> None:
    by_id = log.sources_by_id
    lacking = [
        event.id
        for event in log.events
        if not any(by_id[source].primary for source in event.sources)
        and "no primary record" not in (event.note or "").casefold()
    ]
    assert lacking == []


def test_every_event_of_the_essays_story_cites_a_primary_record(log: Log) -> None:
    """The events the essay rests on are those whose texts weigh what it says."""
    by_id = log.sources_by_id
    story = [
        event
        for event in log.events
        if re.search(
            r"\b(the|source) article\b", f"{event.summary} {event.assessment} {event.note}"
        )
    ]
    assert len(story) >= 40
    assert [e.id for e in story if not any(by_id[s].primary for s in e.sources)] == []


# News organisations whose words an event's text may credit by name.
OUTLETS = {
    "AP": r"\bAP\b|Associated Press",
    "Reuters": r"\bReuters\b",
    "AFP": r"\bAFP\b",
    "Yonhap": r"\bYonhap\b",
    "KBS": r"\bKBS\b",
    "NHK": r"\bNHK\b",
    "BBC": r"\bBBC\b",
    "CNN": r"\bCNN\b",
    "Kyodo": r"\bKyodo\b",
    "Jiji": r"\bJiji\b",
    "NK News": r"\bNK News\b",
    "Korea Herald": r"\bKorea Herald\b",
    "JoongAng": r"\bJoongAng\b",
    "Hankyoreh": r"\bHankyoreh\b",
    "UPI": r"\bUPI\b",
    "VOA": r"\bVOA\b|Voice of America",
    "Bloomberg": r"\bBloomberg\b",
    "The New York Times": r"\bNew York Times\b|\bNYT\b",
    "EFE": r"\bEFE\b",
    "TASS": r"\bTASS\b",
    "dpa": r"\bdpa\b",
    "Anadolu": r"\bAnadolu\b",
    "RIA Novosti": r"\bRIA\b",
    "RFE/RL": r"RFE/RL|Radio Free Europe",
    "The Guardian": r"(?<!Freedom )\bGuardian\b",
    "The Washington Post": r"\bWashington Post\b",
    "Politico": r"\bPolitico\b",
    "The Daily Beast": r"\bDaily Beast\b",
    "Stratfor": r"\bStratfor\b",
    "The Japan Times": r"\bJapan Times\b",
    "Yomiuri": r"\bYomiuri\b",
    "Nikkei": r"\bNikkei\b",
    "The Straits Times": r"\bStraits Times\b",
    "Dong-A Ilbo": r"\bDong-A\b",
    "Chosun Ilbo": r"\bChosun\b",
    "News1": r"\bNews1\b",
    "Korea Bizwire": r"\bBizwire\b",
    "Kursiv": r"\bKursiv\b",
    "Defence Blog": r"\bDefence Blog\b",
}


def test_every_outlet_a_text_names_is_cited(log: Log) -> None:
    """An event that credits a news organisation cites its report, or a page that relays it."""
    by_id = log.sources_by_id
    uncited = []
    for event in log.events:
        cited = " ".join(
            f"{s.publisher} {s.title} {s.citation} {s.note}"
            for s in (by_id[source] for source in event.sources)
        )
        text = f"{event.summary} {event.assessment} {event.note}"
        uncited += [
            (event.id, outlet)
            for outlet, pattern in OUTLETS.items()
            if re.search(pattern, text) and not re.search(pattern, cited)
        ]
    assert uncited == []


def test_every_title_is_a_headline_that_was_seen(log: Log) -> None:
    """A title is the headline as the page shows it; a page whose headline was not seen has no
    title and says so in its citation, rather than a title made up from its address."""
    unseen = [
        s.id
        for s in log.sources
        if (s.title and (UNSEEN.search(s.title) or DESCRIBED.search(s.title)))
        or (s.note and UNSEEN.search(s.note))
        or (s.url and not s.title and not s.citation)
    ]
    assert unseen == []


def addresses(source: Source) -> list[str]:
    return [url for url in (source.url, source.archive) if url]


def test_no_address_carries_a_tracking_parameter(log: Log) -> None:
    tracked = [
        (s.id, url)
        for s in log.sources
        for url in addresses(s)
        if any(TRACKING.match(key) for key, _ in parse_qsl(urlsplit(url).query))
    ]
    assert tracked == []


def test_no_address_is_on_a_retired_host_or_a_shortlink(log: Log) -> None:
    doubtful = [
        (s.id, url)
        for s in log.sources
        for url in addresses(s)
        if (urlsplit(url).hostname or "") in RETIRED_HOSTS
        or re.fullmatch(r"p=\d+", urlsplit(url).query)
    ]
    assert doubtful == []


def test_a_copy_says_whose_page_it_copies(log: Log) -> None:
    silent = [s.id for s in log.sources if s.copy and not (s.note or "(" in (s.publisher or ""))]
    assert silent == []


# Names that are written in lower case, and so may open a sentence that way.
LOWER_CASE_NAMES = ("dpa ",)


def test_every_note_opens_as_a_sentence(log: Log) -> None:
    """A note cut short (its opening removed with an earlier sentence) reads as a fragment."""
    notes = [(s.id, s.note) for s in log.sources] + [(e.id, e.note) for e in log.events]
    fragments = [
        (owner, note[:40])
        for owner, note in notes
        if note
        and (
            (note[0].islower() and not note.startswith(LOWER_CASE_NAMES))
            or re.match(r"[A-Z]\. ", note)
        )
    ]
    assert fragments == []


def test_no_two_sources_share_an_address(log: Log) -> None:
    def page(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return host, parts.path.rstrip("/"), parts.query

    seen = Counter(page(s.url) for s in log.sources if s.url)
    assert [address for address, count in seen.items() if count > 1] == []


def test_the_data_readme_gives_the_sourcing_as_it_is(log: Log) -> None:
    text = DATA_README.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", text, re.M))
    expected = sourcing(log)
    wrong = {
        name: (table.get(name), value)
        for name, value in expected.items()
        if table.get(name) != value
    }
    assert wrong == {}, "data/README.md's figures (README, computed): " + repr(wrong)
