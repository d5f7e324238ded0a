"""Run one command in a fresh child process: whole-process wall time, its own peak RSS, exit
status, and a timeout that kills the process group instead of hanging the benchmark.

Peak RSS comes from ``wait4`` on the child, but not on a child of the benchmark itself: on
Linux a child's ``ru_maxrss`` starts from its parent's peak (fork/vfork share or copy the
parent's memory, and exec keeps that high-water mark), so a benchmark that has held a 100,000-
place dataset would report at least its own peak for every build. Each command is therefore
started by a small launcher process — this file run as a script — whose own peak is a bare
Python's (~10 MB), far below any build's; the launcher times the command, reaps it with
``wait4`` and writes the numbers to a JSON file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class ProcResult:
    """What one child process did. ``status`` is ``ok``, ``failed`` or ``timeout``."""

    status: str
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stderr_tail: str = ""
    cpu_s: float | None = None  # user + system CPU of the command and its children

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _kill_group(proc: subprocess.Popen[bytes], flag: list[bool]) -> None:
    flag.append(True)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _tail(path: Path, limit: int = 600) -> str:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:].strip()


def run(cmd: list[str], *, timeout_s: float, log_dir: Path, name: str,
        env: dict[str, str] | None = None) -> ProcResult:
    """Run *cmd* through the launcher (in *env*, when given); wall time from spawning the
    command to reaping it."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    result_path = log_dir / f"{name}.json"
    launcher = [sys.executable, str(Path(__file__).resolve()), str(result_path), "--", *cmd]
    timed_out: list[bool] = []
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(launcher, stdout=out, stderr=err, start_new_session=True,
                                env=env)
        timer = threading.Timer(timeout_s, _kill_group, (proc, timed_out))
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
    try:
        measured = json.loads(result_path.read_text())
    except (OSError, ValueError):  # killed, or the command could not start
        measured = {"wall_s": elapsed, "maxrss_kb": 0, "returncode": proc.returncode}
    code = measured["returncode"]
    state = "timeout" if timed_out else ("ok" if code == 0 else "failed")
    return ProcResult(
        status=state,
        wall_s=measured["wall_s"],
        peak_rss_mb=measured["maxrss_kb"] / 1024,  # Linux: kilobytes
        returncode=code,
        stderr_tail="" if state == "ok" else _tail(err_path),
        cpu_s=measured.get("cpu_s"),
    )


def launch(result_path: Path, cmd: list[str]) -> int:
    """The launcher: run *cmd* (inheriting stdout/stderr), reap it with wait4, write wall
    time, peak RSS, CPU time (less bent by a busy machine than wall time) and exit code to
    *result_path*."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped by wait4: tell Popen, so it does not wait again
    result = {"wall_s": wall, "maxrss_kb": usage.ru_maxrss, "returncode": code,
              "cpu_s": usage.ru_utime + usage.ru_stime}  # its reaped children's too
    result_path.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print("usage: procs.py RESULT.json -- COMMAND...", file=sys.stderr)
        sys.exit(2)
    sys.exit(launch(Path(sys.argv[1]), sys.argv[3:]))
