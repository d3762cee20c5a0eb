"""The options the commands share, as typer annotations, and the builders of each step's options object."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from newscli.cli.runner import usage

# ------------------------------------------------------------------ shared options
# Flags show no `<bool>` type (metavar ""), values a name for what they take, defaults as
# [default: ...] and choices as [a|b|c].


def flag(*names: str, help: str) -> Any:
    return typer.Option(*names, help=help, metavar="", show_default=False)


Inputs = Annotated[Optional[list[str]], typer.Argument(
    help="Article .txt files, directories (recursive, sorted), JSONL/NDJSON files, compressed or not "
    "(.gz .bz2 .xz .zst, recognised by content); '-' or nothing for standard input.", show_default=False,
    metavar="INPUT")]
OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help="Write here instead of standard "
                                                  "output: atomically, compressed by extension (.gz .bz2 .xz .zst); "
                                                  ".parquet writes Parquet (needs newscli\\[parquet]).", show_default=False)]
FilesFrom = Annotated[Optional[str], typer.Option("--files-from", metavar="FILE", help="Read more input paths from "
                                                  "this file, one per line ('-': standard input).", show_default=False)]
TextField = Annotated[str, typer.Option("--text-field", metavar="NAME", help="JSONL field holding the article body.")]
Strict = Annotated[bool, flag("--strict", help="Stop at the first bad record (exit 1).")]
Rejects = Annotated[Optional[str], typer.Option("--rejects", metavar="FILE", help="Write each rejected or skipped "
                                                "record here as JSONL {source, line, error, raw, reason}.", show_default=False)]
Jobs = Annotated[int, typer.Option("-j", "--jobs", min=0, metavar="N", help="Worker processes (0 = all cores). "
                                   "Output is identical for every value.")]
StatsOpt = Annotated[Optional[str], typer.Option("--stats", metavar="FILE", help="Write the run's summary here as "
                                                 "JSON.", show_default=False)]
ShardSize = Annotated[Optional[int], typer.Option("--shard-size", min=1, metavar="N", help="Split --output into "
                                                  "numbered shards of this many records (out-00000.jsonl.gz, ...); "
                                                  "stale shards of an earlier run are removed.", show_default=False)]
Fields = Annotated[Optional[str], typer.Option("--fields", metavar="NAMES", help="Only these output fields, "
                                               "comma-separated, in this order (dotted paths such as dup.cluster too).",
                                               show_default=False)]
Format = Annotated[str, typer.Option("--format", metavar="[auto|jsonl|text]", help="auto: text when standard input "
                                     "is plain text, JSONL otherwise.")]
KeepEmpty = Annotated[bool, flag("--keep-empty", help="Also write records whose body is empty, or that clean "
                                 "leaves empty (skipped and counted otherwise).")]
Quiet = Annotated[bool, flag("-q", "--quiet", help="No summary line at the end.")]
Verbose = Annotated[bool, flag("-v", "--verbose", help="Tracebacks for rejected records.")]

# web pages (HTML files, WARC archives, --html-field)
Lang = Annotated[str, typer.Option("--lang", metavar="[auto|ar|any]", help="Keep only pages whose main text is mostly Arabic "
                                   "script (ar), every page (any), or ar for WARC records only (auto). Others are "
                                   "skipped and counted as not_arabic.")]
HtmlField = Annotated[Optional[str], typer.Option("--html-field", metavar="NAME", help="JSONL field holding a web page to extract "
                                                  "(needs newscli\\[web]).", show_default=False)]
PageTimeout = Annotated[float, typer.Option("--page-timeout", min=0.0, metavar="SECONDS", help="Seconds one page may take in the "
                                            "extractor; a slower page is rejected (0 = no limit).")]

# engine
Engine = Annotated[str, typer.Option("--engine", metavar="[local|dask]", help="dask: run on a Dask cluster (a local one with "
                                     "-j worker processes, or --scheduler); the output is byte-identical. Needs newscli\\[dask].")]
Scheduler = Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDR", help="With --engine dask: the address "
                                                  "of a running Dask scheduler (tcp://host:8786); $NEWSCLI_SCHEDULER "
                                                  "when not given.", show_default=False)]
InputFormat = Annotated[str, typer.Option("--format", metavar="[auto|jsonl|text]", help="How to read every input. "
                                          "auto: .jsonl/.ndjson/.json are JSONL, .txt/.text one article; standard input and "
                                          "other names by their first non-blank line ({ or a JSON array: JSONL).")]

# clean
Fold = Annotated[Optional[list[str]], typer.Option("--fold", metavar="[search|diacritics|letters|digits]",
                                                   help="A named lossy fold applied after cleaning (repeatable; see "
                                                   "docs/clean.md).", show_default=False)]
Explain = Annotated[bool, flag("--explain", help="Add `explain` to each record: which rule removed which line.")]
Boilerplate = Annotated[Optional[list[str]], typer.Option("--boilerplate", metavar="FILE", help="A file of extra "
                                                          "boilerplate phrases, one per line (repeatable).", show_default=False)]
# dates
Replace = Annotated[bool, flag("--replace", help="Also rewrite dates in `text` as ISO dates.")]
# dedupe
# The defaults below are newscli.dedupe.DedupeOptions' (tests/test_docs.py checks they agree).
Threshold = Annotated[float, typer.Option("--threshold", min=0.0, max=1.0, metavar="X", help="Similarity at "
                                          "which two articles are near-duplicates (docs/dedupe.md has the "
                                          "measurements).")]
Shingle = Annotated[str, typer.Option("--shingle", metavar="[char:N|word:N]", help="Shingles compared.")]
NumPerm = Annotated[int, typer.Option("--num-perm", min=8, metavar="N", help="MinHash signature length.")]
Bands = Annotated[Optional[int], typer.Option("--bands", min=1, metavar="N", help="LSH bands of --num-perm // --bands "
                                             "rows; unset, derived from --threshold and --num-perm like datasketch's "
                                             "optimal_param \\[default: 18]", show_default=False)]
DedupeExplain = Annotated[bool, flag("--explain", help="Give each dropped record's evidence in dup.why (similarity, "
                                     "threshold, agreeing and differing slots, dates apart, a new lead).")]
Emit = Annotated[str, typer.Option("--emit", metavar="[kept|removed|all]", help="Which records to write.")]
Clusters = Annotated[Optional[str], typer.Option("--clusters", metavar="FILE", help="Write one JSON line per "
                                                 "duplicate cluster here.", show_default=False)]
KeptApart = Annotated[Optional[str], typer.Option("--kept-apart", metavar="FILE", help="Write one JSON line per pair "
                                                  "kept apart in doubt here: similar enough, but a differing slot, "
                                                  "dates apart or a new lead asked for more (neither is dropped as a copy of the other).",
                                                  show_default=False)]


# ------------------------------------------------------------------ step builders

def clean_options(fold: list[str] | None, explain: bool, boilerplate: list[str] | None) -> Any:
    from newscli.clean import CleanOptions, load_boilerplate_file

    phrases: list[str] = []
    for path in boilerplate or []:
        try:
            phrases.extend(load_boilerplate_file(path))
        except ValueError as exc:
            raise usage(f"--boilerplate {path}: {exc}") from None
    try:
        return CleanOptions(folds=tuple(fold or ()), explain=explain, extra_phrases=tuple(phrases))
    except ValueError as exc:
        raise usage(str(exc)) from None


def web_options(lang: str, html_field: str | None, page_timeout: float) -> Any:
    from newscli.web import WebOptions

    if lang not in ("auto", "ar", "any"):
        raise usage(f"--lang must be auto, ar or any, not {lang!r}")
    return WebOptions(lang=lang, html_field=html_field, timeout=page_timeout)


def dates_options(replace: bool) -> Any:
    from newscli.dates import DatesOptions

    return DatesOptions(replace=replace)


def dedupe_options(threshold: float | None, shingle: str | None, num_perm: int | None, bands: int | None,
                   emit: str, explain: bool = False) -> Any:
    from newscli.dedupe import DedupeOptions

    kwargs: dict[str, Any] = {"emit": emit, "explain": explain}
    for key, value in (("threshold", threshold), ("shingle", shingle), ("num_perm", num_perm), ("bands", bands)):
        if value is not None:
            kwargs[key] = value
    try:
        return DedupeOptions(**kwargs)
    except ValueError as exc:
        raise usage(str(exc)) from None
