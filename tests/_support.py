"""Shared test helpers. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SAMPLES = REPO / "data" / "samples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not available ({path})")
    return path


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """newscli as a real subprocess (python -m newscli)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "newscli", *args], input=input, capture_output=True,
                          cwd=cwd, env=env, timeout=timeout)
