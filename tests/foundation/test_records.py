from newscli.records import CORE_FIELDS, derive_id, from_object, json_schema, new_record, parse_date

import pytest


def test_new_record_has_every_core_field_in_order():
    rec = new_record(id="a", source="x.txt", text="نص الخبر")
    assert tuple(rec) == CORE_FIELDS
    assert rec["dates"] == [] and rec["removed"] == [] and rec["dup"] is None and rec["date"] is None


def test_derived_id_is_deterministic_and_position_sensitive():
    assert derive_id("a.jsonl:1", 1) == derive_id("a.jsonl:1", 1)
    assert derive_id("a.jsonl", 1) != derive_id("a.jsonl", 2)
    assert len(derive_id("a", 0)) == 16


def test_input_fields_are_kept_and_collisions_are_renamed():
    obj = {"id": 42, "source": "alwatan", "title": "عنوان الخبر", "date": "Fri, 18 May 2018 06:17:27 GMT",
           "url": "http://example.org/1", "text": "أعلنت الوزارة اليوم عن خطة جديدة."}
    rec = from_object(obj, source="in.jsonl:3", position=3)
    assert rec["id"] == "42"
    assert rec["source"] == "in.jsonl:3"
    assert rec["input_source"] == "alwatan"
    assert rec["title"] == "عنوان الخبر"
    assert rec["date"] == "2018-05-18" and rec["input_date"] == "Fri, 18 May 2018 06:17:27 GMT"
    assert rec["url"] == "http://example.org/1"
    assert list(rec)[: len(CORE_FIELDS)] == list(CORE_FIELDS)


def test_text_field_option():
    rec = from_object({"body": "خبر عاجل من طرابلس", "text": "old"}, source="s:1", position=1, text_field="body")
    assert rec["text"] == "خبر عاجل من طرابلس" and rec["input_text"] == "old"


def test_a_newscli_record_passes_through_unchanged():
    rec = new_record(id="x", source="a.txt", text="نص", title="عنوان", removed=["الوسوم"])
    rec["extra"] = 1
    assert from_object(dict(rec), source="<stdin>:1", position=1) == rec


@pytest.mark.parametrize("obj,error", [
    ({"text": 5}, "'text' is int, not a string"),
    ({"title": "x"}, "no 'text' field"),
    ({"text": "a\x00b"}, "NUL character in 'text'"),
])
def test_bad_objects(obj, error):
    with pytest.raises(ValueError, match=error):
        from_object(obj, source="s:1", position=1)


def test_a_blank_body_is_a_record_the_pipeline_skips():
    """A blank body is not an error of the reader: the pipeline skips and counts it (issue 10)."""
    assert from_object({"text": "   \n"}, source="s:1", position=1)["text"] == "   \n"


@pytest.mark.parametrize("raw,iso", [
    ("2017-01-20T21:43:00+01:00", "2017-01-20"),
    ("2013-03-20 00:16:02", "2013-03-20"),
    ("20/01/2017", "2017-01-20"),
    ("2020/01/08", "2020-01-08"),
    ("Sun, 18 Feb 2018 21:35:43 +0400", "2018-02-18"),
    ("2020-02-30", None),
    # a 1300-1600 year is Hijri (Umm al-Qura), as numeric dates in text are
    ("1436/10/15", "2015-07-31"),
    ("15/10/1436", "2015-07-31"),
    ("1436/10/15 هـ", "2015-07-31"),
    ("15/10/1436هـ", "2015-07-31"),
    ("1436-10-15", "2015-07-31"),
    ("1436/10/31", None),  # Shawwal has no 31st
    ("1340/01/05", None),  # outside the Umm al-Qura table: not read as Gregorian 1340
    ("not a date", None),
    (None, None),
])
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_json_schema_lists_core_fields():
    """It compared the schema with itself (CORE_FIELDS feeds both); now against the documented list."""
    schema = json_schema()
    documented = ["id", "source", "section", "title", "dateline", "outlet", "place", "text", "date", "dates",
                  "removed", "dup"]
    required = [f for f in schema["required"] if f != "date_from"]  # date_from: added by the dates room
    assert required == documented and list(schema["properties"]) == schema["required"]
    assert all(p.get("description") for p in schema["properties"].values())
    entry = schema["properties"]["dates"]["items"]
    assert entry["required"] == ["iso", "match", "start", "end", "system", "year_from", "range", "error"]
    assert list(entry["properties"]) == entry["required"] and entry["additionalProperties"] is False
    dup = schema["properties"]["dup"]
    assert dup["required"] == ["cluster", "of", "sim", "exact", "size", "why"] == list(dup["properties"])
