"""What the page tests share: personas' names, the test client's helpers, query counts.

The fixtures (``login``, ``client_as``, ``nav_registered``) are in ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from appraisal.services.assessment import assessment_record, patrol_create, patrol_finding_add
from cases.codes import CaseState, SourceKind
from cases.models import Case, Referral
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today

OFFICER, OFFICER2, LEADER = "discipline_officer", "discipline_officer2", "discipline_leader"
CADRES = [
    "pl-baofeng:township_deputy:0",
    "pl-baofeng:township_deputy:1",
    "pl-touzha:township_head:0",
    "pl-touzha:township_deputy:0",
    "pl-touzha:township_deputy:1",
    "pl-yaofu:township_head:0",
    "pl-yaofu:township_deputy:0",
    "pl-yaofu:township_deputy:1",
    "pl-chengguan:township_head:0",
    "pl-chengguan:township_deputy:0",
]
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


TOUZHA_HEAD = "pl-touzha:township_head:0"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def snapshot(case_id: int) -> dict:
    """Row counts of every ``cases`` table (history included) and the case's own row."""
    counts = {}
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        counts[model._meta.label] = model._base_manager.count()
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            counts[history.model._meta.label] = history.model._base_manager.count()
    counts["case row"] = Case.objects.filter(pk=case_id).values().first()
    return counts


def field_errors(response, field: str) -> list[str]:
    """The error messages rendered next to ``field`` (``<ul class="errorlist" data-field=…>``)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" data-field="{re.escape(field)}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def transition_url(case: Case, name: str) -> str:
    return f"/cases/{case.pk}/transitions/{name}/"


def post_transition(client, case: Case, name: str, data: dict | None = None, version: int | None = None):
    body = {"version": case.version if version is None else version, **(data or {})}
    return client.post(transition_url(case, name), body)


def count_queries_warm(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def post_lead(client, world, **overrides):
    data = {
        "title": "审计发现某镇安全生产专项资金挪用",
        "facts": "2025年度审计发现专项资金被挪作他用，涉及镇分管领导。",
        "source_kind": SourceKind.AUDIT,
        "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        "circumstances": ["26.1"],
    }
    data.update(overrides)
    return client.post("/leads/new/", {k: v for k, v in data.items() if v is not None})


def transfer_to_emergency(world) -> tuple[Case, Referral]:
    case = new_lead(world)
    case_transition(
        case_id=case.pk,
        name="transfer",
        payload={"to_department": world.departments["pl-emergency"].pk, "reason": "属应急管理部门职责"},
        acting_user=world.users["discipline_officer"],
    )
    return case, Referral.objects.get(case=case, kind=Referral.Kind.TRANSFER)


def chart_of(response, key):
    return next(c for c in response.context["charts"] if c["key"] == key)


def chart_values(chart) -> dict[str, int]:
    return {row["label"]: row["value"] for row in chart["rows"]}


# --- Chapters 4–5 -------------------------------------------------------------------------------

YAOFU_HEAD = "pl-yaofu:township_head:0"


CHENGGUAN_HEAD = "pl-chengguan:township_head:0"


YEAR = local_today().year - 1


PAGES = ["/assessment/", "/assessment/patrols/", "/assessment/interviews/", "/assessment/rewards/"]


def tr(message: str) -> str:
    """A message as the UI shows it (Simplified Chinese by default, where translated)."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def record_result(world, unit: str, grade: str, rank=None, of=None, year=YEAR, by="emergency_officer"):
    return assessment_record(
        acting_user=world.users[by],
        year=year,
        grade=grade,
        department=world.departments[unit],
        rank=rank,
        ranked_of=of,
        score=Decimal("61.5") if grade == "fail" else Decimal("92"),
    )


def record_cadre_result(world, key: str, grade: str = "excellent", year=YEAR, by="organization_officer"):
    return assessment_record(acting_user=world.users[by], year=year, grade=grade, cadre=world.cadres[key])


def make_patrol(world, units=("pl-touzha", "pl-baofeng"), title="2025年度安全生产巡查"):
    return patrol_create(
        acting_user=world.users["emergency_officer"],
        title=title,
        started_on=dt.date(YEAR, 9, 1),
        ended_on=dt.date(YEAR, 9, 30),
        targets=[world.departments[u] for u in units],
    )


def make_finding(world, patrol, unit="pl-touzha", keys=(TOUZHA_HEAD,), text="重大事故隐患整改不到位"):
    return patrol_finding_add(
        acting_user=world.users["emergency_officer"],
        patrol=patrol,
        department=world.departments[unit],
        text=text,
        cadres=[world.cadres[k] for k in keys],
    )


def candidates_of(world):
    for year in (YEAR - 2, YEAR - 1, YEAR):
        record_cadre_result(world, YAOFU_HEAD, year=year)  # three excellent years: 记功
    record_cadre_result(world, TOUZHA_HEAD)  # one: 通报嘉奖
    record_cadre_result(world, BAOFENG_DEPUTY)  # one, but a decided measure bars awards
    case_in_state(world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY,))


def count_appraisal_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
