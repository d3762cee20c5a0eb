"""Build a case file from its source: `python gen.py main.tsv ../dates.jsonl`.

One case per line: TEXT | EXPECT | NOTE [| key=JSON ...] (e.g. year_hint=2020, pub_date="2017-01-02").
EXPECT: "-" (no date) or comma-separated items ISO[#from|#to][~range|~publication][@system];
"H1436-10-15" is a Hijri date checked with hijridate; "None" an entry with an error;
"FAIL:" before EXPECT marks a known gap (strict xfail).
"""
import json, sys
from hijridate import Hijri
src, dst = sys.argv[1], sys.argv[2]
out = []
for ln in open(src, encoding="utf-8"):
    ln = ln.rstrip("\n")
    if not ln.strip() or ln.startswith("#"):
        continue
    parts = ln.split(" | ")
    text, exp, note = parts[0], parts[1], parts[2]
    extra = {}
    for p in parts[3:]:
        k, v = p.split("=", 1)
        extra[k] = json.loads(v)
    want = None
    if exp.startswith("FAIL:"):
        want, exp = True, exp[5:]
    if exp == "-":
        expect = []
    else:
        expect = []
        for item in exp.split(","):
            item = item.strip()
            d = {}
            if "@" in item:
                item, sysname = item.split("@")
                d["system"] = sysname
            if "~" in item:  # year_from: ~range, ~publication
                item, d["year_from"] = item.split("~")
            if "#" in item:  # range role: #from, #to
                item, d["range"] = item.split("#")
            if item.startswith("H"):  # Hijri y-m-d to verify with hijridate
                y, m, dd = map(int, item[1:].split("-"))
                d["iso"] = Hijri(y, m, dd).to_gregorian().isoformat()
                d["hijri"] = [y, m, dd]
            elif item == "None":
                d["iso"] = None
            else:
                d["iso"] = item
            expect.append(d if len(d) > 1 else d["iso"])
    case = {"text": text, "expect": "fail", "want": expect} if want else {"text": text, "expect": expect}
    case.update({"note": note, **extra})
    out.append(case)
with open(dst, "w", encoding="utf-8") as f:
    for c in out:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print(len(out))
