"""One case's history: every change of its rows, from the history tables in one statement."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, cast

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.models import Case

_HISTORY_SOURCES = (
    # (model, how its history rows belong to the case): by the case's id, by a subject's id
    # (the ids of every subject the case ever had, from the subjects' own history rows) or by a
    # finding's id (the ids of every finding of those subjects, from the findings' history rows).
    ("case", "id"),
    ("casesubject", "case_id"),
    ("finding", "subject_id"),
    ("filing", "subject_id"),
    ("interimmeasure", "subject_id"),
    ("performancefinding", "finding_id"),
    ("ledgergapexplanation", "subject_id"),
    ("measuredecision", "subject_id"),
    ("assessment", "subject_id"),
    ("referral", "case_id"),
    ("executiontask", "case_id"),
    ("appeal", "case_id"),
    ("casematerial", "case_id"),
)
_HISTORY_QUERY: dict[str, tuple[str, list[Any]]] = {}  # vendor → (SQL, [(model, tracked fields)])


def _history_query(vendor: str) -> tuple[str, list[Any]]:
    """One statement for every history table of a case (W5): a UNION ALL whose rows carry the
    tracked fields as a JSON object built in the database, so one round trip answers what took
    one query per table. Built once per process from the historical models' own fields."""
    if vendor in _HISTORY_QUERY:
        return _HISTORY_QUERY[vendor]
    from django.apps import apps
    from django.contrib.auth import get_user_model

    qn = connection.ops.quote_name
    user_model = get_user_model()
    # PostgreSQL's json_build_object takes at most 100 arguments: 50 fields a table, far above ours.
    build = "json_build_object" if vendor == "postgresql" else "json_object"
    subjects = (
        f"SELECT DISTINCT id FROM {qn(apps.get_model('cases', 'casesubject').history.model._meta.db_table)} WHERE case_id = %s"
    )
    arms, models = [], []
    for index, (name, link) in enumerate(_HISTORY_SOURCES):
        model = apps.get_model("cases", name)
        history_model = model.history.model
        fields = list(history_model.tracked_fields)
        pairs = []
        for field in fields:
            column = f"h.{qn(field.column)}"
            if vendor != "postgresql" and field.get_internal_type() == "JSONField":
                column = f"json({column})"  # SQLite keeps JSON as text: embed it, not a string of it
            pairs.append(f"'{field.attname}', {column}")
        findings = (
            f"SELECT DISTINCT id FROM {qn(apps.get_model('cases', 'finding').history.model._meta.db_table)}"
            f" WHERE subject_id IN ({subjects})"
        )
        condition = {
            "subject_id": f"h.{qn(link)} IN ({subjects})",
            "finding_id": f"h.{qn(link)} IN ({findings})",
        }.get(link, f"h.{qn(link)} = %s")
        arms.append(
            f"SELECT {index} AS source, h.id AS object_id, h.history_date, h.history_id, h.history_type,"
            f" h.history_change_reason, u.{qn(user_model.USERNAME_FIELD)} AS username, {build}({', '.join(pairs)}) AS fields"
            f" FROM {qn(history_model._meta.db_table)} h"
            f" LEFT JOIN {qn(user_model._meta.db_table)} u ON u.{qn(cast(str, user_model._meta.pk.column))} = h.history_user_id"
            f" WHERE {condition}"
        )
        models.append((model, [(field.attname, _history_converter(field)) for field in fields]))
    sql = " UNION ALL ".join(arms) + " ORDER BY 1, 2, 3, 4"
    _HISTORY_QUERY[vendor] = (sql, models)
    return sql, models


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str):
        value = parse_datetime(value.replace(" ", "T", 1))
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)  # SQLite keeps UTC without an offset
    return value


def _history_converter(field: Any) -> Callable[[Any], Any] | None:
    """Turn a value of the JSON object back into what the model field holds."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _to_datetime
    if kind == "DateField":
        return lambda value: parse_date(value) if isinstance(value, str) else value
    if kind == "BooleanField":
        return lambda value: None if value is None else bool(value)
    return None


def case_history(case: Case) -> list[dict[str, Any]]:
    """Field-level changes of the case and every row hanging off it, oldest first.

    One statement over every history table (``_history_query``), whatever the number of rows;
    diffs are computed between consecutive snapshots of the same object in Python.
    """
    sql, models = _history_query(connection.vendor)
    params = [case.pk] * len(_HISTORY_SOURCES)  # one per arm (a subject arm's is in its subquery)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    entries = []
    previous: dict[tuple[int, int], dict[str, Any]] = {}
    for source, object_id, history_date, _history_id, history_type, reason, username, values in rows:
        model, fields = models[source]
        if isinstance(values, str):
            values = json.loads(values)
        history_date = _to_datetime(history_date)  # SQLite, through a UNION, returns it as text
        snapshot = {}
        for name, convert in fields:
            value = values.get(name)
            snapshot[name] = convert(value) if convert is not None else value
        key = (source, object_id)
        before = previous.get(key)
        changes = []
        for name, _convert in fields:
            new = snapshot[name]
            if before is None:
                if new in (None, "", [], {}):
                    continue
                changes.append({"field": name, "old": None, "new": new})
            elif before[name] != new:
                changes.append({"field": name, "old": before[name], "new": new})
        previous[key] = snapshot
        entries.append(
            {
                "model": model._meta.model_name,
                "object_id": object_id,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[history_type],
                "user": username,
                "date": history_date,
                "reason": reason or "",
                "changes": changes,
            }
        )
    entries.sort(key=lambda e: e["date"])
    return entries
