"""Where timeline keeps what it derives from logs (indexes) and its locks: never beside a log.

- Indexes live in the cache folder: `$TIMELINE_CACHE_DIR`, else `$XDG_CACHE_HOME/timeline`, else
  `~/.cache/timeline`.
- Locks live in a private runtime folder: `$XDG_RUNTIME_DIR/timeline`, else
  `<temp>/timeline-<uid>`, created mode 0700 and refused when another user owns it. Locks must be
  shared by every process of the user whatever its cache setting, which is why they are apart.

Both are keyed by the log's real path, so a link to a log and the log itself share them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

CACHE_ENV = "TIMELINE_CACHE_DIR"


def cache_folder() -> Path | None:
    """The folder for indexes, or None when no home folder can be found."""
    configured = os.environ.get(CACHE_ENV, "")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        return (Path(base) if base else Path.home() / ".cache") / "timeline"
    except RuntimeError:  # no home folder to be found
        return None


def key(log_path: Path) -> str:
    """A stable name for a log: a digest of its real path."""
    import hashlib  # loading OpenSSL takes milliseconds: only indexes and locks pay for it

    return hashlib.sha256(os.fsencode(os.path.realpath(log_path))).hexdigest()[:32]


def lock_file(log_path: Path) -> Path:
    """The lock of the log at `log_path`, in the user's private runtime folder (made if needed)."""
    import tempfile

    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = (
        Path(runtime) / "timeline"
        if runtime
        else Path(tempfile.gettempdir()) / f"timeline-{os.getuid()}"
    )
    _private_folder(folder)
    return folder / f"{key(log_path)}.lock"


def _private_folder(folder: Path) -> None:
    """Make `folder` (mode 0700) or check that the one there is a folder of ours, not a link."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    status = os.lstat(folder)
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        raise PermissionError(13, "is not a private folder of this user", str(folder))
