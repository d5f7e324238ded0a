"""Run one command in a fresh child process: whole-process wall time, its own peak RSS, exit
status, and a timeout that kills the process group instead of hanging the benchmark."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
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


def run(cmd: list[str], *, timeout_s: float, log_dir: Path, name: str) -> ProcResult:
    """Run *cmd*; wall time from spawn to reaping, peak RSS from ``wait4`` on this very child
    (``ru_maxrss`` of the process and any children it waited for, never of earlier runs)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    timed_out: list[bool] = []
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout_s, _kill_group, (proc, timed_out))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped by wait4: tell Popen, so it does not wait again
    state = "timeout" if timed_out else ("ok" if code == 0 else "failed")
    return ProcResult(
        status=state,
        wall_s=wall,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
        returncode=code,
        stderr_tail="" if state == "ok" else _tail(err_path),
    )
