"""Verification of the tamper-evident audit trail (PRODUCT §8; issue 15 item 8).

Each case event carries the hash of its own content chained to the previous event of the same
case (``event_digest``) and an HMAC of that hash under a key kept outside the database. Since
``mac_version`` 2 an event's content includes the signed history rows its transaction wrote
before it (``CaseEvent.history``); each such row carries its own HMAC (``core.history``).
``verify_events`` walks every chain in order and names the first row that no longer matches:

- an event edited, removed, re-ordered, inserted or re-hashed (hash, sequence, link, signature);
- a history row edited, inserted or copied (its signature), or deleted (an event lists it);
- a live case row changed without Zeren (it no longer equals its latest signed history row).

Truncation of a chain's end is found against a checkpoint (``verify_checkpoint``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db.models import Model, Q

from cases.models import Case, CaseEvent, CaseSubject, Finding
from core.audit import canonical_json, field_value, sign, signature_valid
from core.history import SignedHistory, history_row_digest

MAC_VERSION = 2  # what new events sign (``CaseEvent.mac_version``)


def event_digest(event: CaseEvent | SimpleNamespace) -> str:
    """The hash of an event's content chained to its predecessor (PRODUCT §8). ``event`` may be a
    namespace of a row's values (the audit streams ``values()``). Version 1 (events signed before
    issue 15 item 8) covers the event alone; version 2 also the history rows it lists."""
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
    version = getattr(event, "mac_version", 1) or 1
    if version >= 2:
        body["v"] = version
        body["history"] = event.history
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
    "mac",
    "mac_version",
    "history",
)


@dataclass(frozen=True)
class AuditBreak:
    """The first row that no longer matches: an event (``seq``, ``event_id``), a history row
    (``row``: ``model #history_id``) or a live case row (``row``: ``case``)."""

    event_id: int | None
    case_id: int | None
    seq: int | None
    problem: str
    row: str = ""
    number: str = ""

    def __str__(self) -> str:
        number = f", number {self.number}" if self.number else ""
        if self.seq is not None:
            return f"case {self.case_id}, event #{self.seq} (id {self.event_id}){number}: {self.problem}"
        where = f"case {self.case_id}{number}, " if self.case_id is not None else ""
        return f"{where}{self.row}: {self.problem}"


def _rows(case_id: int | None, chunk: int) -> Iterator[dict[str, Any]]:
    qs = CaseEvent.objects.order_by("case_id", "seq").values(*FIELDS)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    rows: Iterator[dict[str, Any]] = qs.iterator(chunk_size=chunk)
    return rows


def signed_history_models() -> list[type[Model]]:
    return [model for model in apps.get_models() if issubclass(model, SignedHistory)]


# (model label → history_id → (history_mac, case id, seq of the event that lists it))
_Listed = dict[str, dict[int, tuple[str, int, int]]]


def _verify_chains(case_id: int | None, chunk: int, listed: _Listed) -> tuple[int, AuditBreak | None]:
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
        if row["mac_version"] >= 2:
            for label, history_id, mac in row["history"] or []:
                listed.setdefault(label, {})[int(history_id)] = (str(mac), row["case_id"], row["seq"])
        prev_hash = row["hash"]
        expected_seq += 1
    return checked, None


def _case_of(model: type[Model], row: dict[str, Any], listed_by: tuple[str, int, int] | None) -> int | None:
    if listed_by is not None:
        return listed_by[1]
    if model is Case.history.model:
        return int(row["id"])
    if row.get("case_id") is not None:
        return int(row["case_id"])
    # Rows of a subject or a finding: the case they belong to (read once, for the message only).
    if row.get("finding_id") is not None:
        return Finding.objects.filter(pk=row["finding_id"]).values_list("subject__case_id", flat=True).first()
    if row.get("subject_id") is not None:
        return CaseSubject.objects.filter(pk=row["subject_id"]).values_list("case_id", flat=True).first()
    return None


def _verify_history(case_id: int | None, chunk: int, listed: _Listed, latest: dict[int, dict[str, Any]]) -> AuditBreak | None:
    """Every signed history row (of ``case_id``: those its events list and the case's own) is
    signed and unchanged; every row an event lists is still there, the same row. Fills
    ``latest`` with the newest history row of each case."""
    case_history = Case.history.model
    for model in signed_history_models():
        label = model._meta.label_lower
        mine = listed.get(label, {})
        columns = [field.attname for field in model._meta.concrete_fields]
        qs = model._default_manager.order_by("history_id").values(*columns)
        if case_id is not None:  # the rows its events list, and the case's own
            by_id = Q(history_id__in=list(mine))
            qs = qs.filter(by_id | Q(id=case_id) if model is case_history else by_id)
        seen: set[str] = set()  # a copy of a signed row keeps its signature: two rows, one signature
        for row in qs.iterator(chunk_size=chunk):
            listed_by = mine.pop(row["history_id"], None)
            name = f"history row {label} #{row['history_id']}"
            problem = ""
            if not row["history_mac"]:
                problem = "it is not signed: the row was inserted outside Zeren"
            elif not signature_valid(history_row_digest(model, row), row["history_mac"]):
                problem = "its content no longer matches its signature: the history row was changed outside Zeren"
            elif listed_by is not None and listed_by[0] != row["history_mac"]:
                problem = f"it is not the row event #{listed_by[2]} recorded: the history row was replaced"
            elif row["history_mac"] in seen:
                problem = "it repeats an earlier history row's signature: the row was copied outside Zeren"
            if problem:
                return AuditBreak(None, _case_of(model, row, listed_by), None, problem, row=name)
            seen.add(row["history_mac"])
            if model is case_history:
                latest[int(row["id"])] = row
    for label, rows in listed.items():
        for history_id, (_mac, event_case, seq) in sorted(rows.items()):
            return AuditBreak(
                None,
                event_case,
                None,
                f"event #{seq} recorded it and it is gone: the history row was deleted",
                row=f"history row {label} #{history_id}",
            )
    return None


def _verify_live_cases(case_id: int | None, chunk: int, latest: dict[int, dict[str, Any]]) -> AuditBreak | None:
    """The live row of every case equals its latest signed history row (every field the history
    tracks): a change made with ``UPDATE`` instead of through Zeren leaves them apart."""
    fields = list(Case.history.model.tracked_fields)
    qs = Case.objects.order_by("id").values(*[field.attname for field in fields])
    if case_id is not None:
        qs = qs.filter(id=case_id)
    for row in qs.iterator(chunk_size=chunk):
        history = latest.get(int(row["id"]))
        if history is None:
            continue  # no history at all (rows loaded as fixtures): its events still cover it
        changed = [f.attname for f in fields if field_value(f, row[f.attname]) != field_value(f, history[f.attname])]
        if changed:
            return AuditBreak(
                None,
                int(row["id"]),
                None,
                f"{', '.join(changed)} differ from its latest history row #{history['history_id']}: "
                "the case row was changed outside Zeren",
                row="the live case row",
            )
    return None


def verify_events(*, case_id: int | None = None, chunk: int = 5000) -> tuple[int, AuditBreak | None]:
    """``(events checked, first break or None)``: the event chains in one ordered pass, then the
    signed history rows (all of them, or those of ``case_id``) and the live case rows."""
    listed: _Listed = {}
    checked, broken = _verify_chains(case_id, chunk, listed)
    latest: dict[int, dict[str, Any]] = {}
    if broken is None:
        broken = _verify_history(case_id, chunk, listed, latest)
    if broken is None:
        broken = _verify_live_cases(case_id, chunk, latest)
    if broken is not None and broken.case_id is not None:
        number = Case.objects.filter(pk=broken.case_id).values_list("number", flat=True).first() or ""
        broken = AuditBreak(broken.event_id, broken.case_id, broken.seq, broken.problem, broken.row, number)
    return checked, broken


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
