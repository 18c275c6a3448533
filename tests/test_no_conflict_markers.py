"""No merge conflict is ever committed: a README carried `<<<<<<< HEAD … >>>>>>> redisws` from
one session to the next. Every tracked text file is read for the markers git writes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(rb"^(<{7} |>{7} |={7}$)", re.M)


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name.decode() for name in out.split(b"\0") if name]


def test_no_tracked_file_holds_conflict_markers():
    found = []
    for path in _tracked():
        if not path.is_file() or path.suffix in {".mo", ".png", ".pdf", ".xlsx", ".docx", ".zip", ".ico", ".woff2"}:
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary
        for match in MARKER.finditer(data):
            line = data[: match.start()].count(b"\n") + 1
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], found


def test_the_check_sees_a_marker():
    assert MARKER.search(b"text\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n")
    assert not MARKER.search(b"a ======= b\n")
