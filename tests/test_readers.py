"""newscli output in the readers users have: pandas, polars, duckdb and Hugging Face datasets, for
JSONL and Parquet, with zero type guessing (issue 10).

JSONL is read with the explicit schema built from `newscli schema` (newscli.io.parquet.arrow_schema);
Parquet carries that schema itself. Each reader must give exactly those types, and the values
written. The records are composed so that a guessing reader would go wrong: the first 120 have no
dateline, no dates and no duplicates.
"""

from __future__ import annotations

import orjson
import pytest
from typer.testing import CliRunner

from _support import SAMPLES
from newscli.cli import app
from newscli.records import CORE_FIELDS

pa = pytest.importorskip("pyarrow")
from newscli.io.parquet import EXTRA_COLUMN, _convert, arrow_schema  # noqa: E402

runner = CliRunner()
PLACES = ["طرابلس", "بنغازي", "مصراتة", "سبها", "غدامس", "درنة", "الزاوية", "زليتن", "سرت", "البيضاء", "طبرق", "غريان"]
TOPICS = ["افتتاح مدرسة", "صيانة طريق", "معرض للكتاب", "حملة تطعيم", "مهرجان ثقافي", "دورة تدريبية", "سوق شعبي",
          "محطة كهرباء", "ملعب جديد", "مكتبة عامة"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readers")
    plain = tmp / "plain.jsonl"
    records = [{"id": f"p{i}", "url": f"https://example.ly/{i}",
                "text": f"أعلنت بلدية {PLACES[i % 12]} عن {TOPICS[i // 12]} خلال الأسبوع المقبل بمشاركة {i + 3} جهات محلية."}
               for i in range(120)]
    plain.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    core = ",".join(CORE_FIELDS)
    paths = {"jsonl": tmp / "out.jsonl", "parquet": tmp / "out.parquet", "all": tmp / "all.jsonl"}
    for args in (["-o", str(paths["jsonl"]), "--fields", core], ["-o", str(paths["parquet"])], ["-o", str(paths["all"])]):
        res = runner.invoke(app, ["export", str(plain), str(SAMPLES), "--emit", "all", *args])
        assert res.exit_code == 0, res.output
    written = [orjson.loads(x) for x in paths["all"].read_bytes().splitlines()]
    assert not any(r["dateline"] or r["dates"] for r in written[:120]) and any(r["dateline"] for r in written[120:])
    return paths, written


def _core_schema():
    schema = arrow_schema()
    return pa.schema([f for f in schema if f.name != EXTRA_COLUMN])


def _expected(written: list[dict], with_extra: bool) -> list[dict]:
    schema = arrow_schema()
    rows = []
    for rec in written:
        row = {f.name: _convert(rec.get(f.name), f.type) for f in schema if f.name != EXTRA_COLUMN}
        if with_extra:
            extra = {k: v for k, v in rec.items() if k not in row}
            row[EXTRA_COLUMN] = orjson.dumps(extra).decode() if extra else None
        rows.append(row)
    return rows


def test_parquet_has_the_explicit_schema_and_the_records(outputs):
    import pyarrow.parquet as pq

    paths, written = outputs
    table = pq.read_table(paths["parquet"])
    assert table.schema.equals(arrow_schema(), check_metadata=False)
    assert table.to_pylist() == _expected(written, with_extra=True)
    assert orjson.loads(table.column(EXTRA_COLUMN)[0].as_py()) == {"url": "https://example.ly/0"}


def test_pandas(outputs):
    pd = pytest.importorskip("pandas")
    import pyarrow.json as pj

    paths, written = outputs
    table = pj.read_json(paths["jsonl"], parse_options=pj.ParseOptions(explicit_schema=_core_schema(),
                                                                      unexpected_field_behavior="error"))
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    assert {c: df[c].dtype.pyarrow_dtype for c in df.columns} == {f.name: f.type for f in _core_schema()}
    assert df["id"].tolist() == [r["id"] for r in written]
    dfp = pd.read_parquet(paths["parquet"], dtype_backend="pyarrow")
    assert {c: dfp[c].dtype.pyarrow_dtype for c in dfp.columns} == {f.name: f.type for f in arrow_schema()}
    assert dfp["dup"].tolist() == [row["dup"] for row in _expected(written, False)]


def test_polars(outputs):
    pl = pytest.importorskip("polars")
    paths, written = outputs
    schema = pl.from_arrow(_core_schema().empty_table()).schema
    df = pl.read_ndjson(paths["jsonl"], schema=schema)  # guessing from the first 100 rows would fail here
    assert df.schema == schema and df.to_dicts() == _expected(written, with_extra=False)
    dfp = pl.read_parquet(paths["parquet"])
    assert dfp.schema == pl.from_arrow(arrow_schema().empty_table()).schema
    assert dfp.to_dicts() == _expected(written, with_extra=True)


def _duckdb_type(t) -> str:
    if pa.types.is_string(t):
        return "VARCHAR"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_float64(t):
        return "DOUBLE"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_list(t):
        return _duckdb_type(t.value_type) + "[]"
    if pa.types.is_struct(t):
        return "STRUCT(" + ", ".join(f'"{f.name}" {_duckdb_type(f.type)}' for f in t) + ")"
    raise AssertionError(t)


def _norm(type_name: str) -> str:
    return type_name.replace('"', "")


def test_duckdb(outputs):
    duckdb = pytest.importorskip("duckdb")
    paths, written = outputs
    columns = {f.name: _duckdb_type(f.type) for f in _core_schema()}
    con = duckdb.connect()
    rel = con.read_json(str(paths["jsonl"]), format="newline_delimited", columns=columns)
    assert dict(zip(rel.columns, map(lambda t: _norm(str(t)), rel.types))) == {k: _norm(v) for k, v in columns.items()}
    assert [r[0] for r in rel.select("id").fetchall()] == [r["id"] for r in written]
    relp = con.read_parquet(str(paths["parquet"]))
    expected = {f.name: _norm(_duckdb_type(f.type)) for f in arrow_schema()}
    assert dict(zip(relp.columns, map(lambda t: _norm(str(t)), relp.types))) == expected
    assert [r[0] for r in relp.select("dup.cluster").fetchall()] == [r["dup"]["cluster"] for r in written]


def test_hugging_face_datasets(outputs, tmp_path):
    datasets = pytest.importorskip("datasets")
    paths, written = outputs
    features = datasets.Features.from_arrow_schema(_core_schema())
    # JSONL through Dataset.from_generator with explicit features: no guessing. (load_dataset("json",
    # features=...) lets pyarrow guess first, turning the ISO `date` "2019-03-20" into a timestamp and back
    # into "2019-03-20 00:00:00"; README says to use Parquet or this.)

    def rows():
        with open(paths["jsonl"], "rb") as fh:
            for line in fh:
                yield orjson.loads(line)

    ds = datasets.Dataset.from_generator(rows, features=features, cache_dir=str(tmp_path / "cache"))
    assert ds.features == features and ds.to_list() == _expected(written, with_extra=False)
    dsp = datasets.load_dataset("parquet", data_files=str(paths["parquet"]), split="train",
                                cache_dir=str(tmp_path / "cache"))
    assert dsp.features == datasets.Features.from_arrow_schema(arrow_schema())
    assert "Json" not in repr(dsp.features) and dsp.to_list() == _expected(written, with_extra=True)


def test_parquet_is_written_in_row_groups_and_shards(tmp_path):
    import pyarrow.parquet as pq

    from newscli.io import parquet as pq_out

    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(orjson.dumps({"id": str(i), "text": f"خبر رقم {i} عن بلدية {PLACES[i % 12]} اليوم."}) + b"\n"
                             for i in range(pq_out.ROW_GROUP_RECORDS * 2 + 10)))
    res = runner.invoke(app, ["export", "--no-clean", "--no-dates", "--no-dedupe", str(src), "-o", str(tmp_path / "o.parquet")])
    assert res.exit_code == 0, res.output
    assert pq.ParquetFile(tmp_path / "o.parquet").num_row_groups == 3
    res = runner.invoke(app, ["export", "--no-clean", "--no-dates", "--no-dedupe", str(src), "-o",
                              str(tmp_path / "s.parquet"), "--shard-size", "3000"])
    assert res.exit_code == 0 and sorted(p.name for p in tmp_path.glob("s-*.parquet")) == ["s-00000.parquet", "s-00001.parquet"]
    assert sum(pq.read_metadata(p).num_rows for p in tmp_path.glob("s-*.parquet")) == pq_out.ROW_GROUP_RECORDS * 2 + 10


def test_parquet_without_pyarrow_says_how_to_install(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pyarrow(name, *args, **kw):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("no pyarrow")
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps({"id": "1", "text": "خبر قصير"}) + b"\n")
    res = runner.invoke(app, ["export", str(src), "-o", str(tmp_path / "o.parquet")])
    assert res.exit_code == 2 and "pip install 'newscli[parquet]'" in res.stderr and not (tmp_path / "o.parquet").exists()


def test_an_input_field_named_extra_is_kept_in_the_extra_column(tmp_path):
    """An input field called "extra" was left out of the extra column (it has the column's name): lost."""
    import pyarrow.parquet as pq

    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps({"id": "q2", "text": "أعلنت بلدية طرابلس عن صيانة طريق الشط.", "extra": "X", "other": 1}) + b"\n")
    res = runner.invoke(app, ["export", str(src), "-o", str(tmp_path / "o.parquet")])
    assert res.exit_code == 0, res.output
    (row,) = pq.read_table(tmp_path / "o.parquet").to_pylist()
    assert orjson.loads(row[EXTRA_COLUMN]) == {"extra": "X", "other": 1}


def test_fields_with_dotted_paths_keep_their_types_in_parquet(tmp_path):
    """--fields dup.cluster,dup.sim,... wrote string columns ('0', '0.9219', 'false')."""
    import pyarrow.parquet as pq

    src = tmp_path / "in.jsonl"
    text = "أعلنت بلدية طرابلس عن صيانة طريق الشط خلال الأسبوع المقبل بمشاركة ثلاث جهات محلية وفرق من الهلال الأحمر."
    src.write_bytes(orjson.dumps({"id": "a", "text": text}) + b"\n" + orjson.dumps({"id": "b", "text": text}) + b"\n")
    fields = "id,dup.cluster,dup.of,dup.sim,dup.exact,dup.size,dup.why"
    res = runner.invoke(app, ["dedupe", str(src), "--emit", "all", "--fields", fields, "-o", str(tmp_path / "o.parquet")])
    assert res.exit_code == 0, res.output
    t = pq.read_table(tmp_path / "o.parquet")
    assert [str(f.type) for f in t.schema] == ["string", "int64", "string", "double", "bool", "int64", "string"]
    assert t.to_pylist()[1] == {"id": "b", "dup.cluster": 0, "dup.of": "a", "dup.sim": 1.0, "dup.exact": True,
                                "dup.size": 2, "dup.why": None}
