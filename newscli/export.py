"""The one-pass export: clean -> dates -> dedupe, as a library call.

`newscli export` is this module plus I/O. Data-prep code can run the same pipeline in-process:

    from newscli.export import ExportOptions, export
    from newscli.io import read_inputs
    summary = export(read_inputs(["corpus.jsonl.gz"]), ExportOptions(jobs=2),
                     on_record=out.append, on_reject=bad.append)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable

from newscli.pipeline import Step, Summary, run


def _clean_default() -> Any:
    from newscli.clean import CleanOptions

    return CleanOptions()


def _dates_default() -> Any:
    from newscli.dates import DatesOptions

    return DatesOptions()


def _web_default() -> Any:
    from newscli.web import WebOptions

    return WebOptions()


def _dedupe_default() -> Any:
    from newscli.dedupe import DedupeOptions

    return DedupeOptions()


@dataclass(frozen=True)
class ExportOptions:
    """One options object per step; None switches the step off.

    web:    newscli.web.WebOptions: how a record carrying a web page (an HTML file, a WARC response,
            a JSONL `--html-field`) becomes an article; other records pass through untouched
    clean:  newscli.clean.CleanOptions, or None for --no-clean
    dates:  newscli.dates.DatesOptions, or None for --no-dates
    dedupe: newscli.dedupe.DedupeOptions, or None for --no-dedupe
    jobs:   worker processes for the per-record steps (1 = in this process); the output is the same
            for every value
    keep_empty: write records whose body is empty (on input) or that clean leaves empty, instead
            of skipping them (they are counted as `empty` / `emptied` either way)
    """

    web: Any = field(default_factory=_web_default)
    clean: Any = field(default_factory=_clean_default)
    dates: Any = field(default_factory=_dates_default)
    dedupe: Any = field(default_factory=_dedupe_default)
    jobs: int = 1
    keep_empty: bool = False


def steps_for(options: ExportOptions) -> list[Step]:
    """The per-record steps, in pipeline order, as picklable callables."""
    steps: list[Step] = []
    if options.web is not None:
        from newscli.web import extract_record

        steps.append(partial(extract_record, options=options.web))
    if options.clean is not None:
        from newscli.clean import clean_record

        step = partial(clean_record, options=options.clean)
        step.counts = "removed"  # type: ignore[attr-defined]  # the summary counts the lines it removed
        steps.append(step)
    if options.dates is not None:
        from newscli.dates import date_record

        step = partial(date_record, options=options.dates)
        step.counts = "dates"  # type: ignore[attr-defined]  # the summary counts the dates it found
        steps.append(step)
    return steps


def export(items: Iterable, options: ExportOptions, *, on_record: Callable[[dict], None],
           on_reject: Callable[[Any], None], on_skip: Callable[[Any], None] | None = None,
           tick: Callable[[int], None] | None = None, strict: bool = False,
           summary: Summary | None = None, chunk_source: Any = None) -> Summary:
    """Run clean -> dates -> dedupe over records (or Rejects/RawLines from newscli.io.read_inputs).

    on_record gets each output record; on_reject each Reject (a record that could not be read or
    processed); on_skip each skipped empty record (a Reject with reason "empty" or "emptied").
    Every `newscli` record command is this call (with some steps switched off) plus I/O.
    chunk_source: the chunks of `--engine dask` (newscli.dask_engine.DaskEngine.chunks), which read
    and process the inputs on a cluster; `items` is then unused."""
    return run(items, steps=steps_for(options), on_record=on_record, on_reject=on_reject, on_skip=on_skip,
               dedupe_options=options.dedupe, jobs=options.jobs, strict=strict, tick=tick, summary=summary,
               keep_empty=options.keep_empty, chunk_source=chunk_source)
