"""Reading a log file into a validated `Log`, and writing files atomically.

No CLI and no Rich here: failures are raised as `LogError` / `OutputError` with every problem
described by file, event id and field, for the CLI to print.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from timeline import fastload

if TYPE_CHECKING:
    from timeline.bulkload import Scan
from timeline.errors import SECTION_NOUN, Finding, LogError, OutputError
from timeline.model import (
    ACTOR_ID_PATTERN,
    ACTOR_KINDS,
    COLOUR_PATTERN,
    COUNTRY_PATTERN,
    PLOVER_CATEGORIES,
    RELATION_TYPES,
    SLUG_PATTERN,
    STATUSES,
    URL_PATTERN,
    Log,
    Problem,
    integrity_problems,
)

ENV_VAR = "TIMELINE_DATA"
MAX_PROBLEMS = 200
_CHOICES: dict[str, tuple[str, ...]] = {
    "plover": PLOVER_CATEGORIES,
    "status": STATUSES,
    "kind": ACTOR_KINDS,
    "rel": RELATION_TYPES,
}
# Our own error types already quote the value they reject.
_SAYS_ITS_VALUE = frozenset(
    {"partial_date", "partial_date_type", "end_before_date", "window_without_end"}
)
# Where the wheel places the bundled log, beside this module.
_PACKAGED = Path(__file__).parent / "data" / "events.json"


def bundled_log_path() -> Path:
    """The log shipped with the package (or, in a source checkout, the repository's data/)."""
    if _PACKAGED.is_file():
        return _PACKAGED
    return Path(__file__).resolve().parents[2] / "data" / "events.json"


class LogPath(NamedTuple):
    """Which log a command works on, and whether the user named it (or it is the default)."""

    path: Path
    named: bool


def resolve_log_path(explicit: str | Path | None) -> LogPath:
    """`--data PATH`, else `$TIMELINE_DATA`, else the bundled log (not named)."""
    if explicit is not None and str(explicit) != "":
        return LogPath(Path(explicit), named=True)
    from_env = os.environ.get(ENV_VAR, "")
    if from_env:
        return LogPath(Path(from_env), named=True)
    return LogPath(bundled_log_path(), named=False)


def writable(log: LogPath) -> Path:
    """The path of a log that may be changed: one the user named, never the bundled log.

    The bundled log is read-only to every command: found through the installed package or an
    editable checkout's `data/`, it is changed only when named (`fmt data/events.json`).
    """
    if not log.named:
        raise LogError(
            str(log.path),
            [
                Finding(
                    "is the bundled log, which commands only read; name the log to change "
                    "with --data PATH (or TIMELINE_DATA)"
                )
            ],
        )
    if is_packaged(log.path):
        raise LogError(
            str(log.path),
            [
                Finding(
                    "is the log installed with timeline; copy it and give --data PATH "
                    "(or TIMELINE_DATA)"
                )
            ],
        )
    return log.path


# From this size up, a log is read by `bulkload` (msgspec): it loads faster than Python alone can,
# once past the few milliseconds importing msgspec costs.
BULK_BYTES = 1 << 20


def load_log(path: Path) -> Log:
    """Read, parse and validate the log at `path`; raise `LogError` naming every problem."""
    data, _ = read_log_file(path)
    return parse_log(data, str(path))


def scan_log(data: bytes) -> Scan | None:
    """The log in `data` read by `bulkload`, if it is certainly valid; else None."""
    from timeline import bulkload

    return bulkload.scan(data)


def parse_log_text(text: str, label: str) -> Log:
    """`parse_log` for text already decoded: a caller that drops the bytes first holds less."""
    log = fastload.build_from_text(text)
    if log is not None and not integrity_problems(log):
        return log
    document = parse_json_text(text, label)  # to word what is wrong, or let the schema decide
    del text  # the document is all that is needed now (a caller holding no copy frees the text)
    return build_log(document, label)


def read_log_file(path: Path) -> tuple[bytes, os.stat_result | None]:
    """The bytes of the log at `path`, and the file's status if it did not change while read.

    The status is None when the file changed under the reader (its size, times or inode moved), so
    that nothing derived from these bytes is filed under the file's new identity.
    """
    label = str(path)
    try:
        with path.open("rb") as stream:
            before = os.fstat(stream.fileno())
            data = stream.read()
            after = os.fstat(stream.fileno())
    except FileNotFoundError:
        raise LogError(label, [Finding("no such file")]) from None
    except IsADirectoryError:
        raise LogError(label, [Finding("is a directory, not a log file")]) from None
    except PermissionError:
        raise LogError(label, [Finding("permission denied")]) from None
    except OSError as error:
        raise LogError(label, [Finding(f"cannot read: {error.strerror or error}")]) from None
    unchanged = file_identity(before) == file_identity(after) and after.st_size == len(data)
    return data, after if unchanged else None


def file_identity(status: os.stat_result) -> tuple[int, int, int, int, int]:
    """Which file, and which version of it: any write moves the change time (`st_ctime_ns`)."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def parse_log(data: bytes, label: str) -> Log:
    """Parse and validate the bytes of a log; `label` names it in messages."""
    if len(data) >= BULK_BYTES:
        scanned = scan_log(data)
        if scanned is not None:
            return scanned.log
    return parse_log_text(decode_text(data, label), label)


def build_log(document: Any, label: str) -> Log:
    """Validate a parsed JSON document as a log; `label` names it in messages."""
    if not isinstance(document, dict):
        raise LogError(
            label, [Finding(f"top level: expected a JSON object, got {_json_kind(document)}")]
        )
    log = fastload.build(document) or _validate_with_schema(document, label)
    problems = integrity_problems(log)
    if problems:
        raise LogError(label, _limit([describe(problem, document) for problem in problems]))
    return log


def _validate_with_schema(document: dict[str, Any], label: str) -> Log:
    from pydantic import ValidationError

    from timeline import schema

    try:
        return schema.validate(document)
    except ValidationError as error:
        findings = [_describe_pydantic(e, document) for e in error.errors()]
        # Every record that is valid on its own is still checked against the others.
        crossed = integrity_problems(schema.valid_records(document))
        findings += [describe(problem, document) for problem in crossed]
        raise LogError(label, _limit(sorted(findings, key=_document_order))) from None


def read_record(section: str, raw: Any) -> tuple[Any, list[Finding]]:
    """One record of a log's `section` (`events`, `sources`, ...) on its own: the record as the
    model holds it, or None and what is wrong with it, field by field, worded as `validate`
    words it. Its references (to actors, sources, types, events) are the caller's to check."""
    from pydantic import ValidationError

    from timeline import schema

    try:
        return schema.parse_record(section, raw), []
    except ValidationError as error:
        document = {section: [raw]}
        return None, [
            _describe_pydantic({**e, "loc": (section, 0, *e["loc"])}, document)
            for e in error.errors()
        ]


_SECTION_RANK: dict[str | None, int] = {
    None: 0,
    **{section: rank for rank, section in enumerate(SECTION_NOUN, start=1)},
}


def _document_order(finding: Finding) -> tuple[int, int]:
    """Findings in the order of the document: top level, then each record in turn."""
    return _SECTION_RANK.get(
        finding.section, 0
    ), -1 if finding.position is None else finding.position


def parse_json(data: bytes, label: str) -> Any:
    """Strict JSON: UTF-8 (a BOM allowed), no duplicate keys, no NaN or Infinity, no lone surrogates."""
    return parse_json_text(decode_text(data, label), label)


def decode_text(data: bytes, label: str) -> str:
    """The UTF-8 text of a log's bytes, without a byte-order mark."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        byte = data[error.start]
        raise LogError(
            label, [Finding(f"not UTF-8 text (byte 0x{byte:02x})", line=line, column=column)]
        ) from None


def parse_json_text(text: str, label: str) -> Any:
    """`parse_json` for text already decoded."""
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise LogError(
            label, [Finding(f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno)]
        ) from None
    except _BadConstant as error:
        line, column = _first_outside_strings(text, "NaN|-?Infinity")
        raise LogError(label, [Finding(str(error), line=line, column=column)]) from None
    except _BadJson as error:
        raise LogError(label, [Finding(str(error))]) from None
    except RecursionError:
        raise LogError(label, [Finding("invalid JSON: nested too deeply")]) from None
    except ValueError:  # an integer literal longer than Python will convert
        line, column = _first_outside_strings(text, "-?[0-9]{4000,}")
        message = "invalid JSON: a number too long to read (thousands of digits)"
        raise LogError(label, [Finding(message, line=line, column=column)]) from None
    if fastload.LONE_SURROGATE_ESCAPE.search(text):
        found = _lone_surrogate_path(document, ())
        if found is not None:
            raise LogError(
                label, [describe(Problem(found, "contains an unpaired UTF-16 surrogate"), document)]
            )
    return document


class _BadJson(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = ""
        for key, _ in pairs:
            if key in seen:
                duplicate = key
                break
            seen.add(key)
        owner = result.get("id")
        where = f" in the object with id {owner!r}" if isinstance(owner, str) else ""
        raise _BadJson(f"invalid JSON: duplicate key {duplicate!r}{where}")
    return result


class _BadConstant(_BadJson):
    pass


def _no_constants(name: str) -> Any:
    raise _BadConstant(f"invalid JSON: {name} is not a number JSON allows")


def _first_outside_strings(text: str, token: str) -> tuple[int | None, int | None]:
    """Line and column of the first `token` in the JSON `text` that is not inside a string."""
    strings_or_token = re.compile(r'"(?:[^"\\]|\\.)*"|(' + token + ")")
    for found in strings_or_token.finditer(text):  # strings are consumed whole, never searched
        if found.group(1) is not None:
            offset = found.start(1)
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    return None, None


def _lone_surrogate_path(value: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    if isinstance(value, str):
        return path if any("\ud800" <= char <= "\udfff" for char in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _lone_surrogate_path(key, path)  # a key's path is its object's: maybe ()
            if found is None:
                found = _lone_surrogate_path(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _lone_surrogate_path(item, (*path, index))
            if found is not None:
                return found
    return None


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def _limit(problems: list[Finding]) -> list[Finding]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [
        *problems[:MAX_PROBLEMS],
        Finding(f"... and {len(problems) - MAX_PROBLEMS} more problems"),
    ]


def _describe_pydantic(error: Any, document: dict[str, Any]) -> Finding:
    path = tuple(
        part for part in error["loc"] if isinstance(part, int) or not part.startswith("function-")
    )
    kind = error["type"]
    value = error.get("input")
    field = next((part for part in reversed(path) if isinstance(part, str)), "")
    if kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "literal_error" and isinstance(value, str) and field in _CHOICES:
        # Worded as the command line words a bad choice.
        choices = _CHOICES[field]
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = value if len(value) <= 60 else value[:57] + "..."
        message = f"{shown!r} is not one of: {', '.join(choices)}{hint}"
    elif kind == "string_pattern_mismatch" and isinstance(value, str):
        pattern = (error.get("ctx") or {}).get("pattern", "")
        wanted = _PATTERN_WORDS.get(pattern, f"of the pattern {pattern}")
        shown = value if len(value) <= 60 else value[:57] + "..."
        message = f"{shown!r} is not {wanted}"
    else:
        message = error["msg"]
        if isinstance(value, str | int | float | bool) and kind not in _SAYS_ITS_VALUE:
            message += f" (got {_preview(value)})"
    return describe(Problem(path, message), document)


# What each of the log's patterns asks for, in words.
_PATTERN_WORDS = {
    SLUG_PATTERN: "an id: lower-case letters, digits and hyphens, starting with a letter or digit",
    ACTOR_ID_PATTERN: "an actor id: letters, digits and hyphens, starting with a letter or digit",
    COUNTRY_PATTERN: "an ISO 3166-1 alpha-3 country code such as KOR",
    COLOUR_PATTERN: "a colour written #rrggbb in lower case",
    URL_PATTERN: "an http or https address without spaces or hidden characters",
}


def _preview(value: str | int | float | bool) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(problem: Problem, document: Any, level: str = "error") -> Finding:
    """Where a problem is, by section, index, the record's id and the field inside it."""
    path = problem.path
    if len(path) >= 2 and path[0] in SECTION_NOUN and isinstance(path[1], int):
        section, index = str(path[0]), path[1]
        rest = path[2:]
        return Finding(
            problem.message,
            level=level,
            section=section,
            position=index,
            item_id=_id_at(document, section, index),
            field=_field_path(rest) if rest else None,
        )
    if not path:
        return Finding(f"top level: {problem.message}", level=level)
    return Finding(problem.message, level=level, field=_field_path(path))


def _id_at(document: Any, section: str | int, index: int) -> str | None:
    try:
        item_id = document[section][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return item_id if isinstance(item_id, str) else None


def _field_path(parts: tuple[str | int, ...]) -> str:
    text = ""
    for part in parts:
        name = '""' if part == "" else str(part)  # an empty key, shown rather than lost
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


@contextlib.contextmanager
def atomic_output(path: Path, *, overwrite: bool, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write `path` all at once or not at all: a temporary file in the same folder, fsync, rename.

    Without `overwrite`, an existing file is refused (checked again at the final link, so a file
    that appears meanwhile is not clobbered either). A device or FIFO (`-o /dev/null`) holds no
    file to replace: it is written in place, never renamed over.
    """
    import signal
    import stat
    import tempfile

    if path.is_symlink():  # write the file the link points to, and keep the link
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    try:
        special = not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        special = False
    if special:
        with _written_in_place(path, encoding) as stream:
            yield stream
        return
    if not overwrite and path.exists():
        raise OutputError(f"{path}: already exists (use --force to replace it)")
    folder = path.parent
    # Ctrl-C or SIGTERM is held off until the temporary file's name is known, so that it is
    # always removed: a signal that came meanwhile is raised inside the `try` that removes it.
    stopping = {signal.SIGINT, signal.SIGTERM}
    held = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise OutputError(f"{path}: no such folder {str(folder)!r}") from None
    except OSError as error:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fchmod(stream.fileno(), _mode_for(path))
            os.fsync(stream.fileno())
        _commit(Path(temporary), path, overwrite=overwrite)
    except OSError as error:
        _remove_quietly(temporary)
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        _remove_quietly(temporary)
        raise


@contextlib.contextmanager
def _written_in_place(path: Path, encoding: str) -> Iterator[IO[str]]:
    try:
        stream = path.open("w", encoding=encoding, newline="")
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with stream:
            yield stream
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None


def _commit(temporary: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        temporary.replace(path)
    else:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise OutputError(f"{path}: already exists (use --force to replace it)") from None
        except OSError:  # a file system without hard links: check, then rename
            if path.exists():
                raise OutputError(f"{path}: already exists (use --force to replace it)") from None
            temporary.replace(path)
        else:
            temporary.unlink()
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_quietly(name: str | Path) -> None:
    with contextlib.suppress(OSError):
        Path(name).unlink()


def load_spec(spec: str) -> Log:
    """A log named by a path, or by `git:REV:path` for the version committed at REV."""
    if not spec.startswith("git:"):
        return load_log(Path(spec))
    revision, _, inner = spec[len("git:") :].partition(":")
    if not revision or not inner:
        raise LogError(
            spec, [Finding("expected git:REVISION:PATH, such as git:HEAD:data/events.json")]
        )
    import subprocess

    try:
        shown = subprocess.run(
            ["git", "show", f"{revision}:{inner}"], capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise LogError(spec, [Finding("git is not installed")]) from None
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines() or ["git show failed"]
        raise LogError(spec, [Finding(reason[-1].removeprefix("fatal: "))])
    return parse_log(shown.stdout, spec)


def is_packaged(path: Path) -> bool:
    """Whether `path` is the copy of the bundled log installed inside the package."""
    try:
        return _PACKAGED.exists() and path.resolve() == _PACKAGED.resolve()
    except OSError:
        return False


@contextlib.contextmanager
def locked(path: Path, *, timeout: float) -> Iterator[None]:
    """Hold the log's lock for a read-modify-write.

    Every writer takes the same lock, so concurrent `add`s run one after the other and none is
    lost. Waits up to `timeout` seconds for a writer that holds it, then gives up clearly. The
    lock lives in a private folder of the user's (see `cache.lock_file`), keyed by the log's real
    path, so nothing is left beside the log and a link to the log shares its lock.
    """
    import fcntl
    import time

    from timeline.cache import lock_file

    if not path.exists():
        raise LogError(str(path), [Finding("no such file")])
    try:
        lock_path = lock_file(path)
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise OutputError(
            f"{path}: cannot create its lock: {error.strerror or error}{where}"
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"{path}: another process has held the log's lock for over {timeout:g} s; "
                        "try again, or stop the other process"
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(handle)  # closing releases the lock
