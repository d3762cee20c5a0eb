"""Lazy reading in blocks (`RawBlock`): the main process of a `-j N` run only cuts the decompressed
stream after line ends; the workers split the blocks. Lines, line numbers, Rejects and the output
must be exactly those of line-by-line reading, for every -j."""

from __future__ import annotations

import gzip
import io

import orjson
import pytest

from newscli.export import ExportOptions, export
from newscli.io import RawLine, Reject, parse_line, read_inputs
from newscli.io.inputs import BLOCK_BYTES
from newscli.io.jsonl import RawBlock, raw_lines, take_lines
from newscli.pipeline import WARM_RECORDS, chunked

_TEXTS = [
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة بحضور الوفدين.",
    "ارتفعت أسعار الذهب في الأسواق المحلية يوم الأحد 12 مارس 2023 بنسبة طفيفة.",
    "أعلنت وزارة الصحة تسجيل 45 إصابة جديدة وتعافي 120 حالة خلال الساعات الماضية.",
    "افتتح المعرض الدولي للكتاب في تونس بمشاركة أكثر من ثلاثمائة دار نشر عربية.",
]


def _line(i: int, pad: int = 0) -> bytes:
    text = f"{_TEXTS[i % len(_TEXTS)]} الخبر رقم {i}." + " وأضاف المصدر أن العمل مستمر." * pad
    return orjson.dumps({"id": f"n{i}", "date": f"2023-03-{1 + i % 28:02d}", "text": text})


def _composed() -> bytes:
    """A byte-order mark, CRLF and LF endings, blank and blank-looking lines, a line longer than a
    block, a line that is not JSON, and a last line without a line end that ends in \\r."""
    lines = [b"\xef\xbb\xbf" + _line(0) + b"\r"]
    for i in range(1, 900):
        lines.append(_line(i) + (b"\r" if i % 3 == 0 else b""))
        if i % 50 == 0:
            lines.append(b"")
            lines.append(b" \t\r")
        if i == 400:
            lines.append(_line(i, pad=BLOCK_BYTES // 20))  # one line of several blocks
        if i == 600:
            lines.append(b"{not json")
    return b"\n".join(lines) + b"\n" + _line(900) + b"\r"


def _eager(path: str) -> list:
    return list(read_inputs([path]))


def _lazy(path: str) -> list:
    out = []
    for item in read_inputs([path], lazy=True):
        if isinstance(item, RawBlock):
            out.extend(parse_line(raw) for raw in raw_lines(item))
        elif isinstance(item, RawLine):
            out.append(parse_line(item))
        else:
            out.append(item)
    return out


def _same(a: list, b: list) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, Reject):
            assert isinstance(y, Reject) and (x.source, x.line, x.error) == (y.source, y.line, y.error)
        else:
            assert x == y


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ""])
def test_blocks_give_the_lines_of_line_by_line_reading(tmp_path, suffix):
    data = _composed()
    path = tmp_path / f"in{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    blocks = [i for i in read_inputs([str(path)], lazy=True) if isinstance(i, RawBlock)]
    assert 2 <= len(blocks) < 10  # the main process handed over a few blocks, not 900 lines
    assert sum(b.lines for b in blocks) == data.count(b"\n") + 1
    eager, lazy = _eager(str(path)), _lazy(str(path))
    _same(eager, lazy)
    assert [getattr(r, "line", None) for r in lazy if isinstance(r, Reject)] == [627]  # 1 + 600 + 24 blank + 1 long
    assert lazy[0]["id"] == "n0" and lazy[-1]["id"] == "n900"  # BOM gone; the last line kept


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_damaged_gzip_keeps_the_same_lines_and_names_the_same_line(tmp_path, damage):
    data = b"\n".join(_line(i) for i in range(3000)) + b"\n"
    packed = bytearray(gzip.compress(data))
    if damage == "truncated":
        packed = packed[: len(packed) * 2 // 3]
    else:
        packed[len(packed) // 2] ^= 0x55
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(bytes(packed))
    eager, lazy = _eager(str(path)), _lazy(str(path))
    _same(eager, lazy)
    assert isinstance(lazy[-1], Reject) and "after line" in lazy[-1].error
    assert sum(not isinstance(r, Reject) for r in lazy) > 100


def test_take_lines_cuts_a_block_after_its_kth_line():
    block = RawBlock(b"a\n\nb\r\nc", "f.jsonl", 5, 4, "text")
    head, tail = take_lines(block, 2)
    assert (head.data, head.first, head.lines) == (b"a\n\n", 5, 2)
    assert (tail.data, tail.first, tail.lines) == (b"b\r\nc", 7, 2)
    assert [(r.line, r.lineno) for r in raw_lines(tail)] == [(b"b", 7), (b"c", 8)]
    assert take_lines(block, 4) == (block, None)


def test_chunks_count_the_lines_of_a_block():
    blocks = [RawBlock(b"x\n" * 150, "f", 1 + 150 * k, 150, "text") for k in range(4)]
    assert [len(c) for c in chunked(blocks, 200)] == [2, 2]
    assert [len(c) for c in chunked(range(450), 200)] == [200, 200, 50]


def _export(path: str, jobs: int) -> tuple[bytes, dict]:
    out = io.BytesIO()
    rejects: list = []
    summary = export(read_inputs([path], lazy=True), ExportOptions(jobs=jobs),
                     on_record=lambda r: out.write(orjson.dumps(r) + b"\n"), on_reject=rejects.append)
    return out.getvalue() + repr([(r.source, r.line, r.error) for r in rejects]).encode(), summary.as_dict()


def test_export_is_the_same_for_every_jobs_with_blocks_and_a_warm_up_cut_inside_a_block(tmp_path):
    # 1,200 short records: the first block holds far more than the WARM_RECORDS run before the
    # fork, so it is cut; copies make dedupe clusters across block and chunk boundaries
    lines = [_line(i) for i in range(1200)] + [_line(i) for i in range(0, 1200, 7)]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    first = next(i for i in read_inputs([str(path)], lazy=True))
    assert isinstance(first, RawBlock) and first.lines > WARM_RECORDS
    one, s1 = _export(str(path), 1)
    two, s2 = _export(str(path), 2)
    three, s3 = _export(str(path), 3)
    assert one == two == three and s1 == s2 == s3
    assert s1["read"] == len(lines) and s1["accounting_closes"] and s1["dropped_duplicates"] > 0
