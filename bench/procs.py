"""Resident memory of a process and all its descendants, read from /proc (no psutil here)."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    """Direct children of pid (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(part) for part in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """pid and every process below it."""
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo += _children(current)
    return seen


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB (0 when it has gone)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(pid: int) -> float:
    """Summed VmRSS of pid and its descendants in MiB (shared pages count once per process)."""
    return round(sum(rss_kib(p) for p in descendants(pid)) / 1024, 1)


def own_rss_mib() -> float:
    """This process's own RSS in MiB."""
    return round(rss_kib(os.getpid()) / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it has gone)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of pid and its live descendants (render processes of the backend, say)."""
    return round(sum(cpu_seconds(p) for p in descendants(pid)), 3)
