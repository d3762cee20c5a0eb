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


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 120,
            shims: dict[str, str] | None = None, tmp: Path | None = None) -> subprocess.CompletedProcess:
    """newscli as a real subprocess (python -m newscli). `shims` ({module file name: source}) are
    written to tmp/shim, first on PYTHONPATH: a `sitecustomize.py` patches every process (worker
    processes too), a `trafilatura.py` that raises hides an installed package."""
    path = str(REPO)
    if shims:
        assert tmp is not None, "shims need a tmp directory"
        shim = tmp / "shim"
        shim.mkdir(exist_ok=True)
        for name, source in shims.items():
            (shim / name).write_text(source, encoding="utf-8")
        path = f"{shim}{os.pathsep}{path}"
    env = dict(os.environ, PYTHONPATH=path)
    return subprocess.run([sys.executable, "-m", "newscli", *args], input=input, capture_output=True,
                          cwd=cwd, env=env, timeout=timeout)
