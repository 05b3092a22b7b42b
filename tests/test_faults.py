"""Faults from outside, in real processes: signals mid-write, a full disk, a read-only folder, a
closed stdout, a log that cannot be read, a lock held by a stuck writer.

Each test runs the installed `timeline` command and checks what a user would see: the exit code,
one clear line on stderr and no traceback, and that no file was left half written, no temporary
file was left beside it, and the old file and the log are exactly as they were. Waits poll the
file system or /proc for the state they need; none sleeps for a guessed time.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import SMALL
from tests.test_installed import command

from timeline.cache import lock_file

ROOT = Path(__file__).resolve().parents[1]
# Large enough that loading and writing take a while (a window for the signal), small enough
# that the module stays within its time budget on a slow machine.
BIG_EVENTS = 3000
ADD = ["--title", "Fault test", "--date", "2024-05-06", "--type", "meeting", "--actor", "USA"]
ADD += ["--summary", "Added by the fault tests."]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the commands keep their index of a large log: never the user's own cache."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            str(BIG_EVENTS),
            "-o",
            str(path),
        ],
        check=True,
    )
    return path


@pytest.fixture
def env(cache: Path) -> dict[str, str]:
    names = ("TIMELINE_", "FORCE_COLOR", "TTY_COMPATIBLE")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    environment.update(TIMELINE_CACHE_DIR=str(cache), NO_COLOR="1", COLUMNS="100")
    return environment


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*command(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )


def run(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def run_together(
    argvs: list[list[str]], env: dict[str, str], stdout: int = subprocess.PIPE
) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands at once (each start costs a second on a slow machine)."""
    processes = [
        subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)
        for argv in argvs
    ]
    results = []
    for argv, process in zip(argvs, processes, strict=True):
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return results


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> None:
    """Poll until `condition` holds; fail if the process ends first, or after two minutes."""
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"the command ended (exit {process.returncode}) before {what}: {err!r}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.005)


def temporaries(folder: Path) -> list[Path]:
    """Files an atomic write leaves while it runs: `.NAME.XXXXXX.tmp`."""
    return sorted(folder.glob(".*.tmp"))


def one_clear_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def assert_stopped(process: subprocess.Popen[bytes], stop: signal.Signals) -> None:
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + stop, err.decode()
    assert b"Traceback" not in err, err.decode()


# Signals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "existing"),
    [(signal.SIGINT, False), (signal.SIGTERM, True)],
    ids=["ctrl-c-new-file", "sigterm-replacing-a-file"],
)
def test_a_stop_signal_mid_export_leaves_no_partial_file(
    stop: signal.Signals, existing: bool, big_log: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    target = tmp_path / "out.csv"
    if existing:
        target.write_text("the old export\n")
    process = start(["export", "--data", str(big_log), "-o", str(target), "--force"], env)

    def writing() -> bool:  # the temporary file has content: the export is half written
        return any(path.stat().st_size > 0 for path in temporaries(tmp_path))

    wait_for(writing, process, "the export began to write")
    process.send_signal(stop)
    assert_stopped(process, stop)
    assert temporaries(tmp_path) == []
    if existing:
        assert target.read_text() == "the old export\n"
    else:
        assert not target.exists()


def test_sigterm_mid_add_keeps_the_log_whole(
    big_log: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    stop = signal.SIGTERM
    log = tmp_path / "log.json"
    shutil.copy(big_log, log)
    before = log.read_bytes()
    process = start(["add", "--data", str(log), *ADD, "--id", "fault-test"], env)
    wait_for(lambda: bool(temporaries(tmp_path)), process, "add began to write the log")
    process.send_signal(stop)
    assert_stopped(process, stop)
    assert temporaries(tmp_path) == []
    assert log.read_bytes() == before


def lock_holder(log: Path) -> subprocess.Popen[bytes]:
    """A separate process holding the log's lock (as `add` and `fmt` take it) until stdin closes."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; "
            "handle = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(handle, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
            str(lock_file(log)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"locked\n"
    return holder


def holds_lock(pid: int, lock: Path) -> bool:
    """Whether process `pid` holds the flock on the file `lock`, read from /proc/locks.

    Its lines read `1: FLOCK  ADVISORY  WRITE PID MAJOR:MINOR:INODE 0 EOF`.
    """
    try:
        inode = lock.stat().st_ino
    except FileNotFoundError:
        return False
    held = ["FLOCK", str(pid), str(inode)]
    with Path("/proc/locks").open() as locks:
        return any(
            [fields[1], fields[4], fields[5].rsplit(":", 1)[-1]] == held
            for fields in (line.split() for line in locks)
        )


def has_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open, read from /proc/PID/fd."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        links = [str(link.readlink()) for link in folder.iterdir()]
    except OSError:
        return False
    return str(path) in links


def test_ctrl_c_while_add_waits_for_the_lock(tmp_path: Path, env: dict[str, str]) -> None:
    stop = signal.SIGINT
    log = tmp_path / "log.json"
    shutil.copy(SMALL, log)
    before = log.read_bytes()
    holder = lock_holder(log)
    try:
        process = start(["add", "--data", str(log), *ADD, "--lock-timeout", "600"], env)
        lock = lock_file(log)
        wait_for(lambda: has_open(process.pid, lock), process, "add opened the lock")
        process.send_signal(stop)
        assert_stopped(process, stop)
    finally:
        holder.communicate(b"")
    assert log.read_bytes() == before
    assert temporaries(tmp_path) == []


def test_a_writer_stopped_while_holding_the_lock_times_out_the_next_one(
    big_log: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    log = tmp_path / "log.json"
    shutil.copy(big_log, log)
    before = log.read_bytes()
    stuck = start(["add", "--data", str(log), *ADD, "--id", "stuck-writer"], env)
    try:
        lock = lock_file(log)
        wait_for(lambda: holds_lock(stuck.pid, lock), stuck, "the first add held the lock")
        stuck.send_signal(signal.SIGSTOP)
        second = run(
            ["add", "--data", str(log), *ADD, "--id", "second-writer", "--lock-timeout", "1"], env
        )
        assert second.returncode == 1, second.stderr
        line = one_clear_line(second.stderr)
        assert "another process has held the log's lock" in line and str(log) in line
        assert "second-writer" not in log.read_text()
    finally:
        stuck.send_signal(signal.SIGINT)  # delivered on SIGCONT: it unwinds and cleans up
        stuck.send_signal(signal.SIGCONT)
    assert_stopped(stuck, signal.SIGINT)
    assert log.read_bytes() == before
    assert temporaries(tmp_path) == []


# A full disk, a read-only folder ------------------------------------------------------------------


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs (root only; skips elsewhere), unmounted afterwards."""
    folder = tmp_path / "mount"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_fails_clearly_and_keeps_the_old_export(
    small_mount: Path, env: dict[str, str]
) -> None:
    target = small_mount / "page.html"
    target.write_text("the old page\n")
    # The page for the small log is some 35 KB: more than the 16 KiB the file system holds.
    result = run(["export", "--data", str(SMALL), "-o", str(target), "--force"], env)
    assert result.returncode == 1
    line = one_clear_line(result.stderr)
    assert str(target) in line and "No space left on device" in line
    assert target.read_text() == "the old page\n"
    assert temporaries(small_mount) == []


def test_a_full_device_is_written_in_place_never_replaced(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # A copy of /dev/full where one can be made (as root), so that a regression could not
    # replace the real one; else /dev/full itself, which nobody else may rename over.
    device = Path("/dev/full")
    if os.geteuid() == 0:
        device = tmp_path / "full"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = run(["export", "--data", str(SMALL), "--format", "csv", "-o", str(device)], env)
    assert result.returncode == 1
    assert "No space left on device" in one_clear_line(result.stderr)
    assert stat.S_ISCHR(device.stat().st_mode), "the device was replaced by a file"
    assert temporaries(device.parent) == []


@pytest.fixture
def read_only(small_mount: Path) -> Iterator[Path]:
    """The small tmpfs holding a log and an old export, then remounted read-only."""
    shutil.copy(SMALL, small_mount / "log.json")
    (small_mount / "out.csv").write_text("the old export\n")
    remounted = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_mount)], capture_output=True, check=False
    )
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.decode().strip()}")
    yield small_mount


def test_a_read_only_folder_fails_clearly_and_changes_nothing(
    read_only: Path, env: dict[str, str]
) -> None:
    log, export = read_only / "log.json", read_only / "out.csv"
    attempts = [
        ["export", "--data", str(log), "-o", str(export), "--force"],
        ["add", "--data", str(log), *ADD, "--id", "read-only"],
        ["fmt", str(log)],
    ]
    for args, result in zip(
        attempts, run_together([[*command(), *args] for args in attempts], env), strict=True
    ):
        assert result.returncode == 1, (args, result.stderr)
        line = one_clear_line(result.stderr)
        assert "Read-only file system" in line and str(read_only) in line, line
    assert export.read_text() == "the old export\n"
    assert log.read_bytes() == SMALL.read_bytes()
    assert temporaries(read_only) == []


# A closed stdout ------------------------------------------------------------------------------------

READERS = [
    ["list"],
    ["export", "--format", "csv"],
    ["stats", "--by", "actor"],
    ["show", "hanoi-2019"],
]


def test_a_stdout_nobody_reads_ends_quietly(env: dict[str, str]) -> None:
    # A pipe whose reader has gone before the command writes a byte: every write is EPIPE.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        argvs = [[*command(), *args, "--data", str(SMALL)] for args in READERS]
        results = run_together(argvs, env, stdout=writer)
    finally:
        os.close(writer)
    assert [(r.returncode, r.stderr) for r in results] == [(1, "")] * len(READERS)


def test_a_closed_stdout_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    # Started with descriptor 1 closed, as by `timeline list >&-`.
    closing = ["sh", "-c", 'exec "$@" >&-', "sh", *command()]
    argvs = [[*closing, *args, "--data", str(SMALL)] for args in READERS]
    results = run_together(argvs, env, stdout=subprocess.DEVNULL)
    said = "error: cannot write to standard output: it is closed\n"
    assert [(r.returncode, r.stderr) for r in results] == [(1, said)] * len(READERS)


def test_a_full_stdout_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    with Path("/dev/full").open("wb") as full:
        argvs = [[*command(), *args, "--data", str(SMALL)] for args in READERS]
        results = run_together(argvs, env, stdout=full)
    said = "error: cannot write to standard output: No space left on device\n"
    assert [(r.returncode, r.stderr) for r in results] == [(1, said)] * len(READERS)


def test_with_stdout_closed_an_export_to_a_file_still_works(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # Descriptor 1 is free, so the first file opened would get it: it must not be taken for stdout.
    target = tmp_path / "out.csv"
    result = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$@" >&-',
            "sh",
            *command(),
            "export",
            "--data",
            str(SMALL),
            "-o",
            str(target),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = target.read_bytes()
    assert written.startswith(b"id,date,") and written.count(b"\r\n") == 7  # header, 6 events


def test_a_large_listing_into_head_ends_quietly(big_log: Path, env: dict[str, str]) -> None:
    shell = '"$@" | head -1; exit "${PIPESTATUS[0]}"'
    result = subprocess.run(
        ["bash", "-c", shell, "bash", *command(), "list", "--data", str(big_log)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""
    assert result.returncode == 1  # the reader went away with most of the output unread


# A log that cannot be read -----------------------------------------------------------------------


def test_a_log_that_cannot_be_read_is_one_clear_line(tmp_path: Path, env: dict[str, str]) -> None:
    a_file = tmp_path / "file.json"
    a_file.write_text("{}")
    cases = [
        (["list", "--data", str(tmp_path)], "is a directory, not a log file"),
        (["list", "--data", str(tmp_path / "missing.json")], "no such file"),
        (["list", "--data", str(a_file / "x.json")], "cannot read: Not a directory"),
        (["show", "x", "--data", str(a_file / "x.json")], "cannot read: Not a directory"),
    ]
    from_environment = ["env", f"TIMELINE_DATA={tmp_path / 'gone.json'}", *command(), "list"]
    argvs = [*([*command(), *args] for args, _ in cases), from_environment]
    messages = [*(message for _, message in cases), "gone.json: no such file"]
    for argv, message, result in zip(argvs, messages, run_together(argvs, env), strict=True):
        assert result.returncode == 1, (argv, result.stderr)
        assert result.stdout == ""
        line = one_clear_line(result.stderr)
        assert message in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_an_unreadable_log_is_one_clear_line(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log.json"
    shutil.copy(SMALL, log)
    log.chmod(0)
    result = run(["list", "--data", str(log)], env)
    assert result.returncode == 1
    assert "permission denied" in one_clear_line(result.stderr)


def test_a_fifo_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking for an index must not open a pipe: its writer would see a reader come and go
    before the real read, and a write in between breaks its pipe."""
    from timeline.index import open_index

    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    opened: list[str] = []
    real_open = os.open

    def recording_open(path: str | Path, flags: int, *args: int) -> int:
        opened.append(str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", recording_open)
    assert open_index(fifo) is None
    assert opened == []


def test_a_fifo_whose_writer_sends_garbage_is_one_clear_line(
    tmp_path: Path, env: dict[str, str]
) -> None:
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)

    def write_garbage() -> None:  # blocks until the command opens the FIFO for reading
        with fifo.open("w") as writer:
            writer.write('{"events": [')

    writer = threading.Thread(target=write_garbage, daemon=True)
    writer.start()
    result = run(["list", "--data", str(fifo)], env, timeout=120)
    writer.join(timeout=10)
    assert result.returncode == 1
    assert "invalid JSON" in one_clear_line(result.stderr)
