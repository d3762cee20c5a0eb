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
