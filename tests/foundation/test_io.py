import bz2
import gzip
import lzma
import os

import orjson
import pytest
import zstandard

from newscli.io import (AtomicFile, OutputSet, Reject, expand_inputs, plan_outputs, read_inputs, read_text_lines,
                        shard_name)

ARTICLE = "اقتصاد\n\nارتفاع أسعار التمور في الأسواق\n\nوال – بنغازي\nشهدت أسواق بنغازي ارتفاعاً في الأسعار.\n"
RECORDS = [
    {"id": "a1", "text": "أعلنت الحكومة عن خطة جديدة للطاقة.", "lang": "ar"},
    {"id": "a2", "text": "فاز الفريق في المباراة\u2028بهدفين مقابل هدف.", "tags": ["رياضة"]},
]


def _jsonl(records) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


COMPRESSORS = {
    "": lambda b: b,
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("ext", list(COMPRESSORS))
def test_jsonl_round_trip_every_compression(tmp_path, ext):
    path = tmp_path / f"in.jsonl{ext}"
    path.write_bytes(COMPRESSORS[ext](_jsonl(RECORDS)))
    out = list(read_inputs([str(path)]))
    assert [r["id"] for r in out] == ["a1", "a2"]
    assert out[1]["text"] == RECORDS[1]["text"]  # U+2028 stays inside the record
    assert out[0]["lang"] == "ar" and out[1]["tags"] == ["رياضة"]
    assert out[1]["source"] == f"{path}:2"


@pytest.mark.parametrize("ext", list(COMPRESSORS))
def test_compression_is_recognised_by_content_not_name(tmp_path, ext):
    path = tmp_path / "mystery.data"
    path.write_bytes(COMPRESSORS[ext](_jsonl(RECORDS)))
    assert [r["id"] for r in read_inputs([str(path)])] == ["a1", "a2"]


def test_article_file_and_directory_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "1.txt").write_text(ARTICLE.replace("\n", "\r\n"), encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes", encoding="utf-8")
    paths = expand_inputs([str(tmp_path)])
    assert paths == [str(tmp_path / "1.txt"), str(tmp_path / "b" / "2.txt")]
    recs = list(read_inputs(paths))
    assert all(r["text"] == ARTICLE for r in recs)  # CRLF became LF
    assert recs[0]["source"] == str(tmp_path / "1.txt") and recs[0]["title"] is None


def test_gzipped_article_file(tmp_path):
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode()))
    (rec,) = read_inputs([str(path)])
    assert rec["text"] == ARTICLE


def test_files_from(tmp_path):
    (tmp_path / "x.txt").write_text(ARTICLE, encoding="utf-8")
    lst = tmp_path / "list"
    lst.write_text(f"# inputs\n{tmp_path / 'x.txt'}\n\n", encoding="utf-8")
    assert expand_inputs([], str(lst)) == [str(tmp_path / "x.txt")]


def test_bad_records_become_rejects_and_reading_goes_on(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "\xd8\xae\xd8\xa8\xd8\xb1"}\n{oops\n[1,2]\n\xff\xfe\n{"text": null}\n\n{"text": "ok"}\n')
    out = list(read_inputs([str(path)]))
    kinds = [(o.line, o.error) if isinstance(o, Reject) else o["text"] for o in out]
    assert kinds[0] == "خبر" and kinds[-1] == "ok"
    assert kinds[1][0] == 2 and kinds[1][1].startswith("invalid JSON")
    assert kinds[2] == (3, "not a JSON object but an array")
    assert kinds[3] == (4, "invalid UTF-8 at byte 1")
    assert kinds[4] == (5, "'text' is NoneType, not a string")
    assert len(out) == 6  # the blank line is not a record


def test_truncated_gzip_reports_where(tmp_path):
    data = gzip.compress(_jsonl(RECORDS * 500))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    out = list(read_inputs([str(path)]))
    assert isinstance(out[-1], Reject) and "truncated" in out[-1].error
    assert all(isinstance(o, dict) for o in out[:-1]) and len(out) > 1


def test_article_file_errors(tmp_path):
    (tmp_path / "nul.txt").write_bytes("سطر أول\nسطر\x00ثان\n".encode())
    (tmp_path / "utf.txt").write_bytes("سطر أول\nسطر ثان\n".encode() + b"\xc3(\n")
    (tmp_path / "empty.txt").write_bytes(b" \n\n")
    out = {os.path.basename(r.source): (r.line, r.error) for r in read_inputs(
        [str(tmp_path / n) for n in ("nul.txt", "utf.txt", "empty.txt", "missing.txt")])}
    assert out["nul.txt"] == (2, "NUL byte in article")
    assert out["utf.txt"] == (3, "invalid UTF-8 at byte 29")
    assert out["empty.txt"] == (1, "empty article")
    assert out["missing.txt"] == (0, "cannot read: No such file or directory")


def test_text_lines_split_on_newline_only(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("أ\u2028ب\u0085ج\nد\r\n".encode())
    assert [x[2] for x in read_text_lines([str(path)])] == ["أ\u2028ب\u0085ج", "د"]


def _outputs(path: str, shard_size: int | None = None) -> OutputSet:
    return OutputSet(plan_outputs([("output", path)], [], reads_stdin=False, shard_size=shard_size))


@pytest.mark.parametrize("ext", list(COMPRESSORS))
def test_atomic_output_compressed_by_extension(tmp_path, ext):
    target = tmp_path / f"out.jsonl{ext}"
    outs = _outputs(str(target))
    for rec in RECORDS:
        outs.sink("output").write_record(rec)
    assert not target.exists()  # nothing at the target before commit
    outs.commit()
    assert [r["id"] for r in read_inputs([str(target)])] == ["a1", "a2"]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_aborted_output_leaves_nothing(tmp_path):
    outs = _outputs(str(tmp_path / "out.jsonl"))
    outs.sink("output").write_record(RECORDS[0])
    outs.abort()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError):
        with AtomicFile(str(tmp_path / "x.jsonl")) as fh:
            fh.write(b"partial")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_shards(tmp_path):
    outs = _outputs(str(tmp_path / "c.jsonl.gz"), shard_size=2)
    for i in range(5):
        outs.sink("output").write_record({"id": str(i), "text": "نص"})
    outs.commit()
    paths = outs.paths("output")
    assert [os.path.basename(p) for p in paths] == ["c-00000.jsonl.gz", "c-00001.jsonl.gz", "c-00002.jsonl.gz"]
    assert shard_name("/a/b.jsonl", 3) == "/a/b-00003.jsonl"


@pytest.mark.parametrize("ext", [".gz", ".bz2", ".xz", ".zst"])
def test_every_truncated_compression_is_reported(tmp_path, ext):
    data = COMPRESSORS[ext](_jsonl(RECORDS * 3000))
    path = tmp_path / f"cut.jsonl{ext}"
    path.write_bytes(data[: len(data) * 2 // 3])
    out = list(read_inputs([str(path)]))
    assert isinstance(out[-1], Reject) and "truncated" in out[-1].error, out[-1]
    assert all(isinstance(o, dict) for o in out[:-1])


def test_multi_frame_zstd(tmp_path):
    path = tmp_path / "two.jsonl.zst"
    path.write_bytes(COMPRESSORS[".zst"](_jsonl(RECORDS)) + COMPRESSORS[".zst"](_jsonl(RECORDS)))
    assert [r["id"] for r in read_inputs([str(path)])] == ["a1", "a2", "a1", "a2"]


def test_jsonl_with_byte_order_mark_and_crlf(tmp_path):
    path = tmp_path / "win.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl(RECORDS).replace(b"\n", b"\r\n"))
    assert [r["id"] for r in read_inputs([str(path)])] == ["a1", "a2"]
