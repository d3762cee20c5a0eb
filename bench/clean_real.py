"""Line-level quality of `clean` on hand-labeled REAL records, beside two baselines in the same run.

    python bench/clean_real.py                    # newscli (this checkout) vs keep-all vs C4-style rule
    python bench/clean_real.py --against main     # also a git revision's clean, in a temporary worktree
    python bench/clean_real.py --errors 40        # list body lines deleted / boilerplate kept (id:line rule)

Labels: bench/clean_labels.tsv (corpus, id, line, label[, note]) and bench/clean_labels_fields.tsv
(corpus, id, field, value_line); ids and line numbers only, the text is read from ../shared/corpora
(skipped with a message when absent). Lines are the 1-based lines of the record's raw `text` split on
"\\n"; blank lines are not labeled; `unsure` lines are left out of every figure.

Each record is given to clean as {"id", "text"} only (no title field), so clean must find the title,
section and dateline in the text itself. Only the public API is used:
`newscli.clean.clean_record(record, CleanOptions(explain=True))`. A line counts as REMOVED when
`explain` lists it with a removal rule; entries whose rule is a structure rule (section, title,
dateline, or any rule whose description in `newscli.clean.RULES` starts with "structure") mean the
line was kept as a field and count as KEPT. An entry whose text covers less than 60% of the line's
non-space characters is a partial strip (a tag trailer cut from the last sentence): the line is KEPT.

Figures (body is the positive class for "body", boilerplate for "removal"):
  body precision  = body lines kept / all labeled lines kept
  body recall     = body lines kept / all body lines
  removal precision = boilerplate lines removed / all labeled lines removed
  removal recall    = boilerplate lines removed / all boilerplate lines
  to-field = labeled lines that clean took as a title/section/dateline they are not (a body
  paragraph or a byline turned into the title): not deleted, but out of the body or mislabeled.
  title/section/dateline exact = records whose field equals the expected one (both null counts as a
  match; a field labeled -1 = unsure is not scored); expected = the labeled line after newscli.normalize.normalize (if importable), compared
  with whitespace collapsed; a predicted value that equals the labeled line minus a leading run of
  Latin words (slider "Next Previous") also counts.

Baselines:
  keep-all: keeps every line, no fields.
  c4: the line rule of C4 (Raffel et al. 2020, sec. 2.2) adapted to Arabic, line-level only (the
      page-level rules of C4 are not applied). A line is dropped when ANY of:
        1. fewer than 5 words (whitespace-separated tokens);
        2. it does not end in terminal punctuation: after stripping trailing spaces and closing
           quotes/brackets (" ' ” ’ » ) ] }), the last character is not one of . ! ? ؟ … ;
        3. it contains (case-insensitive) "javascript", "cookie", "lorem ipsum", "{", or the Arabic
           "جافا سكريبت" / "ملفات تعريف الارتباط" / "كوكيز".
      No fields (title/section/dateline all null).

Machine for the recorded figures: 2-core VM, 24 GB, Python 3.11.7 (quality figures; timing is not
measured here).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "clean_labels.tsv"
FIELDS = ROOT / "bench" / "clean_labels_fields.tsv"
BATCHES = ROOT / "bench" / "clean_labels_batches.tsv"
SHARED = ROOT / ".." / "shared" / "corpora"
CORPUS_FILES = {
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_multisource_2018": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "egypt_news_credibility_2013_week": "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
}
FIELD_NAMES = ("title", "section", "dateline")
BASE_STRUCTURE_RULES = {"section", "title", "dateline"}
# an explain entry whose text covers less than this share of the line's non-space characters is a
# partial strip (the rest of the line stays in the body): the line counts as kept
PARTIAL = 0.6
NEWSCLI_FILE = ""


def e_has_text(out: dict) -> bool:
    """False when explain entries carry no text (then every listed line counts as removed)."""
    return any(e.get("text") for e in out.get("explain") or [])


# ---------------------------------------------------------------- labels and records

def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    header_seen = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if not header_seen:
            header_seen = True
            continue
        rows.append(cols)
    return rows


def load_labels() -> tuple[dict, dict, dict]:
    """labels[(corpus, id)] = {line: label}; notes[(corpus, id)] = {line: note};
    fields[(corpus, id)] = {field: value_line}."""
    labels: dict = collections.defaultdict(dict)
    notes: dict = collections.defaultdict(dict)
    for cols in read_tsv(LABELS):
        corpus, rid, line, label = cols[:4]
        labels[(corpus, rid)][int(line)] = label
        if len(cols) > 4 and cols[4]:
            notes[(corpus, rid)][int(line)] = cols[4]
    fields: dict = collections.defaultdict(dict)
    for corpus, rid, field, value_line in read_tsv(FIELDS):
        fields[(corpus, rid)][field] = int(value_line)
    return dict(labels), dict(notes), dict(fields)


def load_batches() -> dict:
    """batch of each record (bench/clean_labels_batches.tsv; "1" when the file or the row is absent)."""
    if not BATCHES.exists():
        return {}
    return {(corpus, rid): batch for corpus, rid, batch in read_tsv(BATCHES)}


def load_texts(keys) -> dict:
    """text of each labeled record, streamed from the corpora (ids are unique in each corpus)."""
    want: dict = collections.defaultdict(set)
    for corpus, rid in keys:
        want[corpus].add(rid)
    texts = {}
    for corpus, ids in want.items():
        path = SHARED / CORPUS_FILES[corpus]
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for raw in fh:
                rec = json.loads(raw)
                if rec.get("id") in ids:
                    texts[(corpus, rec["id"])] = rec.get("text") or ""
        missing = ids - {rid for (c, rid) in texts if c == corpus}
        if missing:
            raise SystemExit(f"clean_real: {len(missing)} labeled ids not found in {path} (e.g. {sorted(missing)[0]})")
    return texts


# ---------------------------------------------------------------- systems

def newscli_system(import_root: Path | None):
    """Predictor over the public clean API of the newscli found at import_root (default: this checkout)."""
    if import_root is not None:  # another checkout (--against): import its package, not ours
        sys.path.insert(0, str(import_root))
        for name in [m for m in sys.modules if m == "newscli" or m.startswith("newscli.")]:
            del sys.modules[name]
    elif str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import newscli.clean as nc  # noqa: PLC0415

    global NEWSCLI_FILE
    NEWSCLI_FILE = nc.__file__

    try:
        from newscli.normalize import normalize as _norm  # noqa: PLC0415
    except Exception:  # pragma: no cover - layout changed
        _norm = None
    rules = getattr(nc, "RULES", {}) or {}
    structure = set(BASE_STRUCTURE_RULES) | {k for k, v in rules.items() if str(v).lower().startswith("structure")}
    opts = nc.CleanOptions(explain=True)

    def predict(text: str) -> tuple[dict, dict]:
        out = nc.clean_record({"id": "x", "text": text}, opts)
        lines = text.split("\n")
        rules: dict = {}
        fields_at: dict = {}
        size: collections.Counter = collections.Counter()
        for e in out.get("explain") or []:
            line, rule = e.get("line"), e.get("rule")
            if isinstance(line, int) and 1 <= line <= len(lines) and rule in structure:
                fields_at.setdefault(line, rule)
            elif isinstance(line, int) and 1 <= line <= len(lines):
                rules.setdefault(line, rule)
                size[line] += len("".join(str(e.get("text") or "").split()))
        # a rule that strips only part of a line (a tag trailer glued to the last sentence) keeps the line
        removed = {n: r for n, r in rules.items()
                   if size[n] >= PARTIAL * len("".join(lines[n - 1].split())) or not e_has_text(out)}
        got = {f: out.get(f) for f in FIELD_NAMES}
        got["_lines"] = fields_at
        return removed, got

    return predict, _norm


def keep_all(text: str) -> tuple[dict, dict]:
    return {}, {f: None for f in FIELD_NAMES}


C4_END = set(".!?؟…")
C4_CLOSERS = "\"'”’»)]} \t\u200f\u200e\u202c"
C4_BAD = ("javascript", "cookie", "lorem ipsum", "{", "جافا سكريبت", "ملفات تعريف الارتباط", "كوكيز")
C4_MIN_WORDS = 5


def c4_drops(line: str) -> str | None:
    s = line.strip()
    if len(s.split()) < C4_MIN_WORDS:
        return "c4-words"
    tail = s.rstrip(C4_CLOSERS)
    if not tail or tail[-1] not in C4_END:
        return "c4-punct"
    low = s.lower()
    if any(b in low for b in C4_BAD):
        return "c4-badword"
    return None


def c4(text: str) -> tuple[dict, dict]:
    removed = {}
    for i, line in enumerate(text.split("\n"), 1):
        if line.strip():
            why = c4_drops(line)
            if why:
                removed[i] = why
    return removed, {f: None for f in FIELD_NAMES}


# ---------------------------------------------------------------- scoring

def field_key(value, norm) -> str | None:
    if value is None:
        return None
    v = norm(value) if norm else value
    v = re.sub(r"\s+", " ", v).strip()
    return v or None


def field_match(pred, exp_line: str | None, norm) -> bool:
    p = field_key(pred, norm)
    e = field_key(exp_line, norm)
    if p is None or e is None:
        return p == e
    if p == e:
        return True
    return e.endswith(p) and re.fullmatch(r"[A-Za-z ]+", e[: len(e) - len(p)] or "x") is not None


def score(system, labels, fields, texts, norm, batches=None) -> dict:
    c = collections.Counter()
    per_corpus: dict = collections.defaultdict(collections.Counter)
    per_batch: dict = collections.defaultdict(collections.Counter)
    errors = {"body_removed": [], "residue_kept": [], "field": [], "to_field": []}
    for key, lab in sorted(labels.items()):
        corpus, rid = key
        text = texts[key]
        lines = text.split("\n")
        removed, got = system(text)
        pc = per_corpus[corpus]
        pb = per_batch[(batches or {}).get(key, "1")]
        for n, label in lab.items():
            if label == "unsure":
                continue
            gone = n in removed
            k = {("body", False): "body_kept", ("body", True): "body_removed",
                 ("boilerplate", False): "bp_kept", ("boilerplate", True): "bp_removed"}[(label, gone)]
            c[k] += 1
            pc[k] += 1
            pb[k] += 1
            if gone:
                c[f"rule:{removed[n]}:{label}"] += 1
            if k == "body_removed":
                errors["body_removed"].append((corpus, rid, n, removed[n]))
            elif k == "bp_kept":
                errors["residue_kept"].append((corpus, rid, n, ""))
        # labeled lines the system took as a structure field they are not (e.g. a body paragraph
        # or a byline as the title): not deleted, but moved out of the body or mislabeled
        expected_at = {v: f for f, v in fields.get(key, {}).items() if v}
        unsure_fields = {f for f, v in fields.get(key, {}).items() if v < 0}
        for n, rule in (got.get("_lines") or {}).items():
            if n in lab and lab[n] != "unsure" and expected_at.get(n) != rule and rule not in unsure_fields:
                for cnt in (c, pc, pb):
                    cnt["to_field_" + lab[n]] += 1
                errors["to_field"].append((corpus, rid, n, rule, lab[n]))
        for f in FIELD_NAMES:
            vline = fields.get(key, {}).get(f, 0)
            if vline < 0:  # unsure: not scored
                continue
            exp = lines[vline - 1] if vline else None
            ok = field_match(got.get(f), exp, norm)
            for cnt in (c, pc, pb):
                cnt[f + "_ok"] += ok
                cnt[f + "_n"] += 1
            if not ok:
                errors["field"].append((corpus, rid, f, vline, got.get(f)))
    return {"all": dict(c), "per_corpus": {k: dict(v) for k, v in per_corpus.items()},
            "per_batch": {k: dict(v) for k, v in per_batch.items()}, "errors": errors}


def figures(c: dict) -> dict:
    def div(a, b):
        return a / b if b else float("nan")
    bk, br, pk, pr = (c.get(k, 0) for k in ("body_kept", "body_removed", "bp_kept", "bp_removed"))
    return {
        "body_P": div(bk, bk + pk), "body_R": div(bk, bk + br),
        "rm_P": div(pr, pr + br), "rm_R": div(pr, pr + pk),
        **{f: div(c.get(f + "_ok", 0), c.get(f + "_n", 0)) for f in FIELD_NAMES},
        "body_removed": br, "bp_kept": pk,
        "to_field": c.get("to_field_body", 0) + c.get("to_field_boilerplate", 0),
    }


def fmt_row(name: str, f: dict) -> str:
    return (f"{name:22s} {f['body_P']:8.3f} {f['body_R']:8.3f} {f['rm_P']:8.3f} {f['rm_R']:8.3f}"
            f" {f['body_removed']:8d} {f['bp_kept']:8d} {f['to_field']:8d} {f['title']:7.3f} {f['section']:7.3f}"
            f" {f['dateline']:8.3f}")


HEADER = (f"{'system':22s} {'body P':>8s} {'body R':>8s} {'rm P':>8s} {'rm R':>8s} {'body-del':>8s}"
          f" {'residue':>8s} {'to-field':>8s} {'title':>7s} {'section':>7s} {'dateline':>8s}")


# ---------------------------------------------------------------- --against REV

def run_against(rev: str, labels_dir: str | None = None) -> dict:
    """Score a git revision's clean: check it out in a temporary worktree, import its newscli there."""
    tmp = Path(tempfile.mkdtemp(prefix="clean_real_"))
    wt = tmp / "wt"
    try:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(wt), rev],
                       check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"clean_real: cannot check out {rev!r}: {exc.stderr.strip()}") from None
    try:
        env = dict(os.environ, PYTHONPATH=str(wt))
        extra = ["--labels-dir", labels_dir] if labels_dir else []
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--json", "--newscli-root", str(wt), *extra],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise SystemExit(f"clean_real: scoring {rev} failed:\n{proc.stderr[-2000:]}")
        return json.loads(proc.stdout)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], capture_output=True)
        subprocess.run(["rm", "-rf", str(tmp)], capture_output=True)


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--against", action="append", default=[], metavar="REV",
                    help="also score this git revision's clean (repeatable)")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="list up to N errors of each newscli (checkout and --against): id:line [rule]")
    ap.add_argument("--show-text", action="store_true", help="with --errors, print the line text too")
    ap.add_argument("--labels-dir", default=None, metavar="DIR",
                    help="read clean_labels*.tsv from DIR instead of bench/ (e.g. a draft label set)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--newscli-root", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.labels_dir:
        global LABELS, FIELDS, BATCHES
        d = Path(a.labels_dir).resolve()
        LABELS, FIELDS, BATCHES = d / LABELS.name, d / FIELDS.name, d / BATCHES.name

    if not (SHARED / CORPUS_FILES["saudinewsnet"]).exists():
        print(f"clean_real: skipped, corpora not found under {SHARED}")
        return
    labels, notes, fields = load_labels()
    batches = load_batches()
    texts = load_texts(labels.keys())
    predict, norm = newscli_system(Path(a.newscli_root) if a.newscli_root else None)
    res = score(predict, labels, fields, texts, norm, batches)
    if a.json:
        json.dump({**res, "file": NEWSCLI_FILE}, sys.stdout)
        return

    systems = {"newscli (checkout)": res}
    print(f"newscli (checkout): {NEWSCLI_FILE}")
    for rev in a.against:
        name = f"newscli @{rev}"[:22]
        systems[name] = run_against(rev, str(Path(a.labels_dir).resolve()) if a.labels_dir else None)
        print(f"{name}: {systems[name]['file']}")
    systems["keep-all"] = score(keep_all, labels, fields, texts, norm, batches)
    systems[f"c4 (>= {C4_MIN_WORDS} words, end .!?؟)"[:22]] = score(c4, labels, fields, texts, norm, batches)

    n_lab = collections.Counter(l for lab in labels.values() for l in lab.values())
    resid = sum(1 for lab in labels.values() if "boilerplate" in lab.values())
    print(f"records {len(labels)} ({resid} with boilerplate), labeled lines: "
          + ", ".join(f"{k} {v}" for k, v in sorted(n_lab.items())))
    per = collections.Counter(c for c, _ in labels)
    print("per corpus: " + ", ".join(f"{c} {n}" for c, n in sorted(per.items())))
    print()
    print(HEADER)
    for name, r in systems.items():
        print(fmt_row(name, figures(r["all"])))
    batch_n = collections.Counter(batches.get(k, "1") for k in labels)
    if len(batch_n) > 1:
        for b in sorted(batch_n):
            print(f"\nbatch {b} only ({batch_n[b]} records; see bench/clean_labels_batches.tsv):")
            for name, r in systems.items():
                print(fmt_row(name, figures(r["per_batch"].get(b, {}))))
    print("\nper corpus (body P / body R / removal R):")
    for corpus in sorted(per):
        cells = []
        for name, r in systems.items():
            f = figures(r["per_corpus"].get(corpus, {}))
            cells.append(f"{name.split(' ')[0]}{'@' + name.split('@')[1] if '@' in name else ''}"
                         f" {f['body_P']:.3f}/{f['body_R']:.3f}/{f['rm_R']:.3f}")
        print(f"  {corpus}: " + "; ".join(cells))
    for name, r in systems.items():
        if name.startswith("newscli"):
            by_rule: dict = collections.defaultdict(lambda: [0, 0])
            for k, v in r["all"].items():
                if k.startswith("rule:"):
                    _, rule, label = k.split(":", 2)
                    by_rule[rule][label == "body"] += v
            cells = [f"{rule} {bp}/{body}" for rule, (bp, body) in sorted(by_rule.items(), key=lambda x: -sum(x[1]))]
            print(f"\n{name}: labeled lines removed per rule (boilerplate/body): " + ", ".join(cells))
    if a.errors:
        for name, r in systems.items():
            if name.startswith("newscli"):
                print_errors(name, r["errors"], texts, a.errors, a.show_text)
    print("\nrerun: python bench/clean_real.py" + "".join(f" --against {r}" for r in a.against))


def print_errors(name: str, err: dict, texts: dict, limit: int, show_text: bool) -> None:
    def show(corpus, rid, n):
        return ("  " + texts[(corpus, rid)].split("\n")[n - 1].strip()[:120]) if show_text else ""

    print(f"\n==== {name}")
    print(f"body lines deleted ({len(err['body_removed'])}):")
    for corpus, rid, n, rule in err["body_removed"][:limit]:
        print(f"  {corpus} {rid}:{n} [{rule}]{show(corpus, rid, n)}")
    print(f"boilerplate kept ({len(err['residue_kept'])}):")
    for corpus, rid, n, _ in err["residue_kept"][:limit]:
        print(f"  {corpus} {rid}:{n}{show(corpus, rid, n)}")
    print(f"labeled lines taken as a structure field they are not ({len(err['to_field'])}):")
    for corpus, rid, n, rule, lab in err["to_field"][:limit]:
        print(f"  {corpus} {rid}:{n} [{rule}] labeled {lab}{show(corpus, rid, n)}")
    print(f"field mismatches ({len(err['field'])}):")
    for corpus, rid, f, vline, got in err["field"][:limit]:
        print(f"  {corpus} {rid} {f}: expected line {vline or 'none'}, got "
              f"{(got[:60] + '…') if isinstance(got, str) and len(got) > 60 else got!r}")


if __name__ == "__main__":
    main()
