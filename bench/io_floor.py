"""The I/O floor: read JSONL (any compression newscli reads), parse and re-serialize every record with
orjson, write JSONL. Nothing else. newscli's own throughput is quoted as a ratio to this loop.

    python bench/io_floor.py INPUT.jsonl.gz [OUTPUT]     (OUTPUT defaults to /dev/null)
"""

import gzip
import sys

import orjson


def main() -> None:
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) > 2 else "/dev/null"
    opener = gzip.open if src.endswith(".gz") else open
    n = 0
    with opener(src, "rb") as fin, open(dst, "wb", buffering=1 << 20) as fout:
        for line in fin:
            if line.strip():
                fout.write(orjson.dumps(orjson.loads(line), option=orjson.OPT_APPEND_NEWLINE))
                n += 1
    print(n, file=sys.stderr)


if __name__ == "__main__":
    main()
