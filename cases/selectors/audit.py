"""Verification of the tamper-evident audit trail (PRODUCT §8).

Each case event carries the hash of its own content chained to the previous event of the same
case (``event_digest``). ``verify_events`` walks every chain in order and names the first
row that no longer matches: content edited behind the application's back (the hash no longer
fits), an event removed or re-ordered (the next one's ``prev_hash`` or the sequence breaks), or
an event inserted without the chain.
"""

from __future__ import annotations

import hashlib
import hmac
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


def sign(digest: str, key_id: str | None = None) -> str:
    """``key id:HMAC-SHA256(key, digest)`` with the current key (or ``key_id``'s)."""
    from django.conf import settings

    key_id = key_id or settings.AUDIT_KEY_ID
    mac = hmac.new(settings.AUDIT_KEYS[key_id].encode(), digest.encode(), hashlib.sha256).hexdigest()
    return f"{key_id}:{mac}"


def signature_valid(digest: str, mac: str) -> bool:
    """Whether ``mac`` signs ``digest`` under one of the configured keys (its own key id)."""
    from django.conf import settings

    key_id, _sep, _value = mac.partition(":")
    if key_id not in settings.AUDIT_KEYS:
        return False
    return hmac.compare_digest(sign(digest, key_id), mac)


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
    "mac",
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
        elif not signature_valid(row["hash"], row["mac"] or ""):
            problem = "its signature does not match: the chain was re-hashed or the row written outside Zeren"
        if problem:
            return checked, AuditBreak(row["id"], row["case_id"], row["seq"], problem)
        prev_hash = row["hash"]
        expected_seq += 1
    return checked, None


# --- checkpoints: what truncation cannot hide (issue 15 item 8) ----------------------------------

CHECKPOINT_FORMAT = "zeren-audit-checkpoint/1"


def checkpoint() -> dict[str, Any]:
    """The head of every case's chain (its last seq and hash) and one signed head over all of
    them: exported by ``manage.py audit_checkpoint`` to a file the superior organ keeps."""
    from django.db.models import Max
    from django.utils import timezone

    last = dict(CaseEvent.objects.values("case_id").annotate(seq=Max("seq")).values_list("case_id", "seq"))
    heads = {
        str(case_id): {"seq": seq, "hash": digest}
        for case_id, seq, digest in CaseEvent.objects.filter(case_id__in=list(last), seq__in=set(last.values())).values_list(
            "case_id", "seq", "hash"
        )
        if last.get(case_id) == seq
    }
    head = hashlib.sha256(canonical_json(heads)).hexdigest()
    return {
        "format": CHECKPOINT_FORMAT,
        "created_at": timezone.now().isoformat(),
        "cases": heads,
        "head": head,
        "mac": sign(head),
    }


def verify_checkpoint(data: dict[str, Any]) -> str | None:
    """The first problem of the chains against a checkpoint (``None``: every head it names is
    still in place): a file not signed by a configured key, or a case whose event at the
    checkpoint's head is gone or different (truncated, deleted or rewritten since)."""
    if data.get("format") != CHECKPOINT_FORMAT or not isinstance(data.get("cases"), dict):
        return "not a Zeren audit checkpoint"
    head = hashlib.sha256(canonical_json(data["cases"])).hexdigest()
    if head != data.get("head") or not signature_valid(head, str(data.get("mac", ""))):
        return "the checkpoint's signature does not match: the file was changed or signed with an unknown key"
    present = {
        (case_id, seq): digest
        for case_id, seq, digest in CaseEvent.objects.filter(
            case_id__in=[int(c) for c in data["cases"]], seq__in={h["seq"] for h in data["cases"].values()}
        ).values_list("case_id", "seq", "hash")
    }
    for case_id, head_row in sorted(data["cases"].items(), key=lambda kv: int(kv[0])):
        found = present.get((int(case_id), head_row["seq"]))
        if found is None:
            return f"case {case_id}: event #{head_row['seq']} of the checkpoint is gone: events were deleted (truncation)"
        if found != head_row["hash"]:
            return f"case {case_id}: event #{head_row['seq']} differs from the checkpoint: the chain was rewritten"
    return None
