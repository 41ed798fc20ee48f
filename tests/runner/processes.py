"""Find processes by an environment variable, to prove nothing outlived the stack."""

from __future__ import annotations

import os
from pathlib import Path


def processes_with_env(name: str, value: str) -> list[int]:
    """PIDs of live processes whose environment has name=value."""
    needle = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if needle in environ and state != "Z":
            found.append(int(entry.name))
    return found
