"""Import newscli.clean of another git revision, for before/after runs in the same process.

    from clean_rev import load_rev
    old = load_rev("main")     # the module newscli.clean of that revision

The revision's ground modules the clean step uses (normalize, chars, gazetteer and the package
data) and its clean package are extracted to a temporary directory and imported under the name
`_clean_<rev>`, so both versions run side by side on the same records.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PATHS = ("newscli/normalize.py", "newscli/chars.py", "newscli/gazetteer.py", "newscli/data", "newscli/clean")


def load_rev(rev: str):
    """The newscli.clean module of git revision `rev` (imported from a temporary copy)."""
    name = "_clean_" + "".join(c for c in rev if c.isalnum())
    if name + ".clean" in sys.modules:
        return sys.modules[name + ".clean"]
    tree = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, "newscli/"],
                          check=True, capture_output=True, text=True).stdout.split()
    paths = [p for p in _PATHS if p in tree]
    tmp = Path(tempfile.mkdtemp(prefix="clean_rev_"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *paths], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    pkg = tmp / name
    (tmp / "newscli").rename(pkg)
    (pkg / "__init__.py").write_text("")
    for py in pkg.rglob("*.py"):
        src = py.read_text(encoding="utf-8")
        # "from newscli import gazetteer" too: else the revision reads this checkout's places and outlets
        src = src.replace("newscli.", name + ".").replace('"newscli"', f'"{name}"').replace("from newscli import ", f"from {name} import ")
        py.write_text(src, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return importlib.import_module(name + ".clean")
