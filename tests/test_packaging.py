"""Declared dependencies tell the truth (issue 10: numpy.bitwise_count needs NumPy >= 2.0, while
pyproject allowed 1.26)."""

import re
import tomllib

from _support import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _lower_bound(name: str, specs: list[str]) -> tuple[int, ...]:
    for spec in specs:
        m = re.match(rf"{re.escape(name)}\s*>=\s*([\d.]+)", spec)
        if m:
            return tuple(int(x) for x in m.group(1).split("."))
    raise AssertionError(f"{name} has no lower bound in {specs}")


def test_numpy_lower_bound_covers_the_numpy_newscli_uses():
    source = "\n".join(p.read_text() for p in (REPO / "newscli").rglob("*.py"))
    bound = _lower_bound("numpy", PYPROJECT["project"]["dependencies"])
    if "bitwise_count" in source:  # new in NumPy 2.0
        assert bound >= (2, 0)


def test_parquet_is_an_optional_extra_and_tested():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(s.startswith("pyarrow") for s in extras["parquet"])
    assert not any(s.startswith("pyarrow") for s in PYPROJECT["project"]["dependencies"])
    test = " ".join(extras["test"])
    assert "parquet" in re.search(r"newscli\[([^\]]*)\]", test).group(1)
    for reader in ("pandas", "polars", "duckdb", "datasets", "jsonschema"):
        assert any(s.startswith(reader) for s in extras["test"]), reader


def test_pyarrow_is_imported_only_for_parquet():
    for path in (REPO / "newscli").rglob("*.py"):
        if path.name != "parquet.py":
            assert not re.search(r"^\s*(import|from) pyarrow", path.read_text(), re.M), path
