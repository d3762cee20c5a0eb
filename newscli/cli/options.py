"""The options the commands share, as typer annotations, and the builders of each step's options object."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from newscli.cli.runner import usage

# ------------------------------------------------------------------ shared options
Inputs = Annotated[Optional[list[str]], typer.Argument(
    help="Article .txt files, directories (recursive, sorted), JSONL/NDJSON files, compressed or not "
    "(.gz .bz2 .xz .zst, recognised by content); '-' or nothing for standard input.", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", help="Write here instead of standard output "
                                                  "(atomically; compressed by extension).", show_default=False)]
FilesFrom = Annotated[Optional[str], typer.Option("--files-from", help="Read more input paths from this file, one per line.",
                                                  show_default=False)]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL field holding the article body.")]
Strict = Annotated[bool, typer.Option("--strict", help="Stop at the first bad record (exit 1).")]
Rejects = Annotated[Optional[str], typer.Option("--rejects", help="Write each rejected record here as JSONL "
                                                "{source, line, error, raw}.", show_default=False)]
Jobs = Annotated[int, typer.Option("-j", "--jobs", min=0, help="Worker processes (0 = all cores). Output is "
                                   "identical for every value.")]
StatsOpt = Annotated[Optional[str], typer.Option("--stats", help="Write the run's summary here as JSON.", show_default=False)]
ShardSize = Annotated[Optional[int], typer.Option("--shard-size", min=1, help="Split --output into numbered shards "
                                                  "of this many records (out-00000.jsonl.gz, ...).", show_default=False)]
Fields = Annotated[Optional[str], typer.Option("--fields", help="Only these output fields, comma-separated, in this order.",
                                               show_default=False)]
Format = Annotated[str, typer.Option("--format", help="auto | jsonl | text. text: read every input as plain text and "
                                     "write plain text; jsonl: write JSONL records; auto: text out when standard input "
                                     "is plain text, JSONL otherwise.")]
InputFormat = Annotated[str, typer.Option("--format", help="auto | jsonl | text: how to read every input. auto: "
                                          ".jsonl/.ndjson/.json are JSONL, .txt/.text one article; standard input and "
                                          "other names by their first non-blank line ({ or a JSON array: JSONL).")]

# clean
Fold = Annotated[Optional[list[str]], typer.Option("--fold", help="A named lossy fold applied after cleaning: search, "
                                                   "diacritics, letters, digits (repeatable; see docs/clean.md).", show_default=False)]
Explain = Annotated[bool, typer.Option("--explain", help="Add `explain` to each record: which rule removed which line.")]
Boilerplate = Annotated[Optional[list[str]], typer.Option("--boilerplate", help="A file of extra boilerplate phrases, "
                                                          "one per line (repeatable).", show_default=False)]
# dates
Replace = Annotated[bool, typer.Option("--replace", help="Also rewrite dates in `text` as ISO dates.")]
# dedupe
Threshold = Annotated[Optional[float], typer.Option("--threshold", min=0.0, max=1.0, help="Similarity at which two "
                                                    "articles are near-duplicates (default 0.5; docs/dedupe.md has the measurements).", show_default=False)]
Shingle = Annotated[Optional[str], typer.Option("--shingle", help="char:N or word:N (default char:5).", show_default=False)]
NumPerm = Annotated[Optional[int], typer.Option("--num-perm", min=8, help="MinHash signature length (default 128).",
                                               show_default=False)]
Bands = Annotated[Optional[int], typer.Option("--bands", min=1, help="LSH bands, must divide --num-perm (default 32, "
                                             "i.e. 32 bands of 4 rows).", show_default=False)]
Emit = Annotated[str, typer.Option("--emit", help="kept | removed | all: which records to write.")]
Clusters = Annotated[Optional[str], typer.Option("--clusters", help="Write one JSON line per duplicate cluster here.",
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


def dates_options(replace: bool) -> Any:
    from newscli.dates import DatesOptions

    return DatesOptions(replace=replace)


def dedupe_options(threshold: float | None, shingle: str | None, num_perm: int | None, bands: int | None,
                    emit: str, clusters: str | None) -> Any:
    from newscli.dedupe import DedupeOptions

    kwargs: dict[str, Any] = {"emit": emit, "clusters_path": clusters}
    for key, value in (("threshold", threshold), ("shingle", shingle), ("num_perm", num_perm), ("bands", bands)):
        if value is not None:
            kwargs[key] = value
    try:
        return DedupeOptions(**kwargs)
    except ValueError as exc:
        raise usage(str(exc)) from None
