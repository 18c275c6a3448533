"""Summarise a py-spy raw (folded) profile: the share of samples under each frame (inclusive),
the frames of this project first. ``python bench/folded.py profile.txt[.gz] [--top 40] [--own]``;
``--own``: the deepest frame of this project instead (where our code spends it, callees included).."""

from __future__ import annotations

import argparse
import gzip
import re
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:]+):(?P<line>\d+)\)$")
OWN = ("cases/", "workflows/", "core/", "notifications/", "org/", "appraisal/", "duties/", "web/", "config/")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only frames whose file contains this")
    parser.add_argument("--own", action="store_true", help="group by the deepest frame of this project")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    total = 0
    opener = gzip.open if args.path.endswith(".gz") else open
    for line in opener(args.path, "rt", encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        n = int(count)
        total += n
        if args.own:
            deepest = "(outside the project)"
            for frame in stack.split(";"):
                m = FRAME.match(frame)
                if m and m["file"].startswith(OWN):
                    deepest = f"{m['func']} ({m['file']})"
            inclusive[deepest] += n
            continue
        seen = set()
        for frame in stack.split(";"):
            m = FRAME.match(frame)
            key = f"{m['func']} ({m['file'].split('site-packages/')[-1].replace('/work/main/', '')})" if m else frame
            if key not in seen:
                seen.add(key)
                inclusive[key] += n
    print(f"{total} samples")
    for key, n in inclusive.most_common():
        if args.match and args.match not in key:
            continue
        print(f"{100 * n / total:5.1f}%  {key}")
        args.top -= 1
        if args.top <= 0:
            break


if __name__ == "__main__":
    main()
