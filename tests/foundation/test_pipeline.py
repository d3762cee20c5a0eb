"""The pipeline: order, rejects from steps, worker failures, chunk accounting."""

import os
from functools import partial

import pytest

from newscli.io import Reject
from newscli.pipeline import run
from newscli.records import new_record

PARENT = os.getpid()


def _records(n):
    return [new_record(id=str(i), source=f"t.jsonl:{i + 1}", text=f"خبر رقم {i} عن الطقس في طرابلس") for i in range(n)]


def _upper_id(rec):
    rec = dict(rec)
    rec["id"] = rec["id"] + "!"
    return rec


def _fail_on_7(rec):
    if rec["id"] == "7":
        raise ValueError("cannot process this one")
    if rec["id"] == "9":
        raise KeyError("a bug")
    return rec


def _die_in_worker(rec, at):
    if rec["id"] == str(at) and os.getpid() != PARENT:
        os._exit(3)
    return rec


@pytest.mark.parametrize("jobs", [1, 2])
def test_order_and_step_rejects(jobs):
    out, rejects = [], []
    summary = run(_records(700), steps=[_fail_on_7, _upper_id], on_record=out.append, on_reject=rejects.append, jobs=jobs)
    assert [r["id"] for r in out] == [f"{i}!" for i in range(700) if i not in (7, 9)]
    # records given as dicts carry no line field: the Reject names their `source` as it is
    assert [r.message() for r in rejects] == ["t.jsonl:8: cannot process this one",
                                              "t.jsonl:10: internal error: KeyError: 'a bug'"]
    assert rejects[1].detail and "KeyError" in rejects[1].detail
    assert summary.read == 700 and summary.written == 698 and summary.rejected == 2 and summary.closes


def test_a_dead_worker_fails_the_run_instead_of_hanging():
    """With a timeout: a hang fails the test instead of hanging the suite."""
    import threading
    from concurrent.futures.process import BrokenProcessPool

    outcome: list = []

    def target() -> None:
        try:
            run(_records(900), steps=[partial(_die_in_worker, at=650)], on_record=lambda r: None,
                on_reject=lambda r: None, jobs=2)
            outcome.append("finished")
        except BrokenProcessPool:
            outcome.append("broken")
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            outcome.append(repr(exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the run hung after its worker died"
    assert outcome == ["broken"]


def test_reader_rejects_are_reported_in_input_order():
    items = _records(3)
    items.insert(1, Reject("t.jsonl", 2, "invalid JSON"))
    items.append(Reject("t.jsonl", 5, "empty article"))
    recs, rejs = [], []
    summary = run(items, steps=[], on_record=lambda r: recs.append(r["id"]), on_reject=lambda r: rejs.append(r.line), jobs=1)
    assert recs == ["0", "1", "2"] and rejs == [2, 5] and summary.read == 5 and summary.closes
