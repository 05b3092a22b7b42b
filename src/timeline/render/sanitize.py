"""The one gate between untrusted log text and a terminal.

Control characters, ANSI/OSC escape sequences (their ESC byte) and bidirectional overrides are
made visible as escapes (`\\x1b`, `\\u202e`) instead of being obeyed by the terminal. Tabs and
newlines are kept for prose; `one_line` escapes those too, for cells and single-line output.
Normal right-to-left letters and the LRM/RLM marks are left alone: they are legitimate data.
"""

from __future__ import annotations

_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C]
_INVISIBLE_FORMAT = [0x200B, 0x2028, 0x2029, 0xFEFF]
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS, *_INVISIBLE_FORMAT]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_PROSE = {code: _escape(code) for code in _CONTROLS if code not in (0x09, 0x0A)}
_LINE = {**_PROSE, 0x09: "\\t", 0x0A: "\\n"}


def for_terminal(text: str) -> str:
    """`text` with every character a terminal would obey (except tab and newline) made visible."""
    cleaned = text.translate(_PROSE)
    return _visible_surrogates(cleaned)


def one_line(text: str) -> str:
    """Like `for_terminal`, and tabs and newlines too: safe for a table cell or a TSV field."""
    return _visible_surrogates(text.translate(_LINE))


def _visible_surrogates(text: str) -> str:
    # An unpaired surrogate cannot be encoded for output at all; show it like the other escapes.
    if text.isascii():
        return text
    return "".join(_escape(ord(char)) if "\ud800" <= char <= "\udfff" else char for char in text)


def is_web_url(url: str) -> bool:
    """True for an absolute http or https URL, the only kind any output makes a link of."""
    scheme, separator, rest = url.partition("://")
    return bool(separator) and scheme.lower() in ("http", "https") and bool(rest)
