"""Rulebooks the catalog tests load (issue 13): 惠农区's as shipped, and a test rulebook of the park
that inherits 平罗县's catalog."""

from __future__ import annotations

import json

from rulebooks import content
from rulebooks.models import Rulebook
from rulebooks.services import load_rulebook


def load(data: dict) -> Rulebook:
    """A rulebook file as ``manage.py rulebook import`` loads it: parsed, validated, stored."""
    return load_rulebook(content.parse(json.dumps(data, ensure_ascii=False)), acting_user=None, reason="test")[0]


def load_huinong() -> Rulebook:
    """惠农区's rulebook as shipped (``rulebooks/data/huinong.yaml``): no text of its own, parent
    national-2018. The demo loads it in ``loaddemo``; this branch's tests load it themselves."""
    text = (content.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8")
    return load_rulebook(content.parse(text), acting_user=None, reason="test")[0]


def park_rulebook() -> Rulebook:
    """A rulebook of the park's own, with no catalog: it inherits 平罗县's."""
    return load(
        {
            "format": "zeren-rulebook/1",
            "code": "pl-park-test",
            "title": "平罗工业园区（测试用）",
            "jurisdiction": "pl-park",
            "valid_from": "2026-01-01",
            "parent": "pingluo-2021",
            "verification": "unverified",
            "content": {},
        }
    )
