"""What the numbers were measured on: machine, load, versions, and which mapgen."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def mapgen_source() -> dict[str, Any]:
    """The mapgen being measured: where it is imported from, the commit, and the files of
    mapgen/ that differ from it (work in progress is measured as it is)."""
    import mapgen

    return {
        "version": _version("mapgen"),
        "module": str(Path(mapgen.__file__).parent),
        "commit": _git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted": [line[3:] for line in _git("status", "--porcelain", "mapgen").splitlines()],
    }


def git_head(folder: Path) -> str:
    """The commit checked out in *folder* (another worktree, for --against)."""
    return subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False).stdout.strip()


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def info(chromium_version: str | None) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "folium": _version("folium"),
        "playwright": _version("playwright"),
        "orjson": _version("orjson"),
        "xstatic_leaflet": _version("XStatic-Leaflet") or _version("xstatic-leaflet"),
        "chromium": chromium_version,
        "mapgen": mapgen_source(),
        "load_average_at_start": load(),
    }
