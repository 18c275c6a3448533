"""Verification of the tamper-evident audit trail (PRODUCT §8).

Each case event carries the hash of its own content chained to the previous event of the same
case (``event_digest``). ``verify_events`` walks every chain in order and names the first
row that no longer matches: content edited behind the application's back (the hash no longer
fits), an event removed or re-ordered (the next one's ``prev_hash`` or the sequence breaks), or
an event inserted without the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from cases.models import CaseEvent


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_digest(event: CaseEvent | SimpleNamespace) -> str:
    """The hash of an event's content chained to its predecessor (PRODUCT §8). ``event`` may be a
    namespace of a row's values (the audit streams ``values()``)."""
    body = {
        "case": event.case_id,
        "seq": event.seq,
        "kind": event.kind,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor_id,
        "reason": event.reason,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
        "prev": event.prev_hash,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


FIELDS = (
    "id",
    "case_id",
    "seq",
    "kind",
    "from_state",
    "to_state",
    "actor_id",
    "reason",
    "payload",
    "created_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AuditBreak:
    event_id: int
    case_id: int
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"case {self.case_id}, event #{self.seq} (id {self.event_id}): {self.problem}"


def _rows(case_id: int | None, chunk: int) -> Iterator[dict[str, Any]]:
    qs = CaseEvent.objects.order_by("case_id", "seq").values(*FIELDS)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    rows: Iterator[dict[str, Any]] = qs.iterator(chunk_size=chunk)
    return rows


def verify_events(*, case_id: int | None = None, chunk: int = 5000) -> tuple[int, AuditBreak | None]:
    """``(events checked, first break or None)``, streaming in one ordered pass."""
    checked = 0
    current_case = None
    prev_hash = ""
    expected_seq = 1
    for row in _rows(case_id, chunk):
        if row["case_id"] != current_case:
            current_case, prev_hash, expected_seq = row["case_id"], "", 1
        checked += 1

        problem = ""
        if row["seq"] != expected_seq:
            problem = f"expected event #{expected_seq} here: an event is missing or was re-numbered"
        elif row["prev_hash"] != prev_hash:
            problem = "its link to the previous event does not match: the chain was cut or re-ordered"
        elif event_digest(SimpleNamespace(**row)) != row["hash"]:
            problem = "its content no longer matches its hash: the row was changed outside Zeren"
        if problem:
            return checked, AuditBreak(row["id"], row["case_id"], row["seq"], problem)
        prev_hash = row["hash"]
        expected_seq += 1
    return checked, None
