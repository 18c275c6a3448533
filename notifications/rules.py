"""Who is told what, for each kind of case event (issue 5, PRODUCT §7).

Each rule turns one ``CaseEvent`` into ``Recipient`` entries: the users to tell, the department
they are told as, and the Chinese text. The acting user is never notified of their own step.
Texts are stored in Chinese (PRODUCT §7); they name the case so they stand alone in a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cases.codes import SILENT_EVENT_KINDS, AccidentGrade, CaseEventKind, CaseState
from cases.models import Appeal, Case, CaseEvent, CaseSubject, ExecutionTask, InterimMeasure, Referral
from org.codes import MoveKind, Rank
from org.models import Cadre

K = CaseEventKind


@dataclass(frozen=True)
class Recipient:
    user_id: int
    department_id: int | None
    kind: str
    text: str
    link: str
    referral_id: int | None = None
    appeal_id: int | None = None
    task_id: int | None = None


def _members(department_id: int, *, rank: str | None = None) -> list[int]:
    qs = get_user_model().objects.filter(is_active=True, membership__department_id=department_id)
    if rank:
        qs = qs.filter(membership__rank=rank)
    return list(qs.values_list("pk", flat=True))


def _label(case: Case) -> str:
    return f"案件 {case.number}「{case.title}」"


def _to_department(event, department_id, kind, text, *, rank=None, **extra) -> list[Recipient]:
    link = f"/cases/{event.case_id}/"
    return [Recipient(uid, department_id, kind, text, link, **extra) for uid in _members(department_id, rank=rank)]


def _lead(event: CaseEvent, case: Case) -> list[Recipient]:
    return _to_department(event, case.owner_department_id, "lead_routed", f"{_label(case)}：收到新线索，请及时受理。")


def _transfer(event: CaseEvent, case: Case) -> list[Recipient]:
    referral = Referral.objects.get(pk=event.payload["referral"])
    text = f"{_label(case)}：{referral.from_department.name} 移送线索，请在时限内签收。"
    return _to_department(event, referral.to_department_id, "referral_received", text, referral_id=referral.pk)


def _lifelong(event: CaseEvent, case: Case) -> list[Recipient]:
    referral = Referral.objects.get(pk=event.payload["referral"])
    text = f"{_label(case)}：依据第三十二条移送终身追责材料，请签收。"
    return _to_department(event, referral.to_department_id, "referral_received", text, referral_id=referral.pk)


def _crime(event: CaseEvent, case: Case) -> list[Recipient]:
    """A suspected crime referred at the conclusion (Art. 27): the receiving organ must acknowledge
    it, and a leader accept or return it; until then the case cannot end."""
    referral = Referral.objects.select_related("subject__cadre").get(pk=event.payload["referral"])
    name = f"（{referral.subject.cadre.name}）" if referral.subject is not None else ""
    text = (
        f"{_label(case)}：依据细则第二十七条移送涉嫌犯罪问题线索{name}，请在时限内签收，"
        "由负责人决定接收或者说明理由退回；办结前该案不能结案。"
    )
    return _to_department(event, referral.to_department_id, "referral_received", text, referral_id=referral.pk)


def _referral_outcome(event: CaseEvent, case: Case) -> list[Recipient]:
    referral = Referral.objects.get(pk=event.payload["referral"])
    # Keyed by str: ``event.kind`` is the stored code, and a CaseEventKind member is that str.
    verbs: dict[str, str] = {K.REFERRAL_ACKNOWLEDGE: "已签收", K.REFERRAL_ACCEPT: "已接收", K.REFERRAL_RETURN: "已退回"}
    verb = verbs[event.kind]
    reason = f"（理由：{event.reason}）" if event.reason else ""
    text = f"{_label(case)}：{referral.to_department.name}{verb}你单位的移送{reason}。"
    if (
        referral.kind == Referral.Kind.CRIME
        and event.kind != K.REFERRAL_ACKNOWLEDGE
        and case.state == CaseState.ASSESSING
        and not case.referrals.filter(
            kind=Referral.Kind.CRIME, state__in=(Referral.State.SENT, Referral.State.ACKNOWLEDGED)
        ).exists()
    ):
        text += "移送的涉嫌犯罪问题线索均已有结果，可以重新作出认定结论。"
    return _to_department(event, referral.from_department_id, "referral_outcome", text, referral_id=referral.pk)


def _approval_request(event: CaseEvent, case: Case) -> list[Recipient]:
    return _to_department(
        event, case.owner_department_id, "approval_requested", f"{_label(case)}：拟定的问责方式待审批。", rank=Rank.LEADER
    )


def _rejected(event: CaseEvent, case: Case) -> list[Recipient]:
    proposer = CaseEvent.objects.filter(case=case, kind=K.PROPOSE).order_by("-seq").values_list("actor_id", flat=True).first()
    if proposer is None:
        return []
    text = f"{_label(case)}：拟定的问责方式被退回（理由：{event.reason}），请重新拟定。"
    return [Recipient(proposer, case.owner_department_id, "proposal_rejected", text, f"/cases/{case.pk}/")]


def _delivered(event: CaseEvent, case: Case) -> list[Recipient]:
    departments = set(
        ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN).values_list("department_id", flat=True)
    )
    result = []
    for department_id in sorted(departments):
        result += _to_department(event, department_id, "execution_assigned", f"{_label(case)}：问责决定已送达，请执行并归档。")
    return result


def _appeal(event: CaseEvent, case: Case) -> list[Recipient]:
    appeal = Appeal.objects.get(pk=event.payload["appeal"])
    text = f"{_label(case)}：收到申诉，请负责人在时限内处理（申诉期间不停止执行）。"
    return _to_department(event, appeal.deciding_department_id, "appeal_filed", text, rank=Rank.LEADER, appeal_id=appeal.pk)


def _outcome_to_source(event: CaseEvent, case: Case) -> list[Recipient]:
    """The sending agency learns the outcome of what it referred (Art. 34, PRODUCT §5)."""
    if case.source_department_id == case.owner_department_id:
        return []
    outcome = {  # type: ignore[call-overload]  # CaseState members are the str keys
        CaseState.DECIDED: "已作出问责决定",
        CaseState.CLOSED: "已结案",
        CaseState.DISMISSED: "已予以了结",
        CaseState.NOT_PURSUED: "经认定不予追究",
    }.get(event.to_state)
    if outcome is None:
        return []
    return _to_department(event, case.source_department_id, "referral_outcome", f"你单位移送的{_label(case)}：{outcome}。")


def _stage_task(event: CaseEvent, case: Case) -> list[Recipient]:
    """A new stage is waiting in the handling department's queue."""
    stage = {  # type: ignore[call-overload]  # CaseState members are the str keys
        CaseState.INVESTIGATING: "已立案调查，调查组可开始核实",
        CaseState.ASSESSING: "调查结束，待情节认定",
        CaseState.PROPOSING: "情节认定完成，待拟定问责方式",
        CaseState.DECIDED: "已批准，待送达问责决定",
    }.get(event.to_state)
    if stage is None:
        return []
    return _to_department(event, case.owner_department_id, "task_waiting", f"{_label(case)}：{stage}。", rank=None)


def _task_assigned(event: CaseEvent, case: Case) -> list[Recipient]:
    to = event.payload.get("to")
    user = get_user_model().objects.filter(username=to).values_list("pk", flat=True).first() if to else None
    if user is None:
        return []
    text = f"{_label(case)}：{event.actor.get_full_name() or event.actor.username if event.actor else '系统'} 将任务分派给你。"
    return [Recipient(user, None, "task_assigned", text, f"/cases/{case.pk}/", task_id=event.payload.get("task"))]


def _deadline(event: CaseEvent, case: Case) -> list[Recipient]:
    department_id = event.payload["department"]
    due = event.payload.get("due", "")[:16].replace("T", " ")
    if event.payload.get("approximate"):  # working days past the official calendar's years
        due += "（工作日按周一至周五估算，未含节假日调休）"
    if event.kind == K.DEADLINE_WARNING:
        return _to_department(event, department_id, "deadline_near", f"{_label(case)}：{event.reason}将于 {due} 到期。")
    # Past the limit: the responsible users and, above them, the department's leaders.
    return _to_department(
        event, department_id, "deadline_overdue", f"{_label(case)}：{event.reason}已超过时限（{due}），已提醒负责人。"
    )


def _filed(event: CaseEvent, case: Case) -> list[Recipient]:
    """立案 of a subject: the investigation team learns that the subject is now 被立案调查
    (《监察法》第四十二条; from now on 政务处分法第五十二条 bars moving or promoting them)."""
    name = CaseSubject.objects.filter(pk=event.payload.get("subject")).values_list("cadre__name", flat=True).first() or ""
    text = (
        f"{_label(case)}：{name} 已于 {event.payload.get('filed_on', '')} 立案调查（监察法第四十二条）；"
        "立案调查期间不得对其交流、晋升、奖励、处分或者办理退休手续（政务处分法第五十二条）。"
    )
    link = f"/cases/{case.pk}/"
    team = case.team.filter(is_active=True).values_list("pk", flat=True)
    return [Recipient(uid, case.owner_department_id, "case_filed", text, link) for uid in team]


def _moved_under_investigation(event: CaseEvent, case: Case) -> list[Recipient]:
    """A cadre 被立案调查 was moved on a leader's confirmation: the discipline organ handling the
    case is told at once (政务处分法第五十二条 bars the move; it may act on it)."""
    p = event.payload
    name = Cadre.objects.filter(pk=p.get("cadre")).values_list("name", flat=True).first() or ""
    move = MoveKind(p["move"]).label if p.get("move") in MoveKind.values else p.get("move", "")
    who = event.actor.get_full_name() or event.actor.username if event.actor else "—"
    text = (
        f"{_label(case)}：被立案调查的 {name} 已被记录{move}（{p.get('effective_date', '')} 起），"
        f"由 {who} 确认，理由：{event.reason}。政务处分法第五十二条：立案调查期间不得对其交流、晋升或者办理退休手续。"
    )
    return _to_department(event, case.owner_department_id, "subject_moved_under_investigation", text)


def _accident_regraded(event: CaseEvent, case: Case) -> list[Recipient]:
    """The recording department changed the figures of the case's accident and its grade changed:
    the discipline organ handling the case is told at once (the grade decides who investigates and
    which measures follow)."""
    p = event.payload
    old = AccidentGrade(p["old_grade"]).label if p.get("old_grade") in AccidentGrade.values else p.get("old_grade", "")
    new = AccidentGrade(p["new_grade"]).label if p.get("new_grade") in AccidentGrade.values else p.get("new_grade", "")
    who = event.actor.get_full_name() or event.actor.username if event.actor else "—"
    text = f"{_label(case)}：关联事故的等级由{old}调整为{new}（{who} 修改了伤亡或损失数字）。"
    return _to_department(event, case.owner_department_id, "accident_regraded", text)


def _interim(event: CaseEvent, case: Case) -> list[Recipient]:
    """先期处置 recorded, lifted or settled by the authority that manages the post: the discipline
    organ handling the case learns it at once (it bears on the investigation, and ``deliver``
    waits until every measure in force is absorbed or lifted)."""
    p = event.payload
    name = Cadre.objects.filter(pk=p.get("cadre")).values_list("name", flat=True).first() or ""
    kind = InterimMeasure.Kind(p["kind"]).label if p.get("kind") in InterimMeasure.Kind.values else p.get("kind", "")
    who = event.actor.get_full_name() or event.actor.username if event.actor else "—"
    if event.kind == K.INTERIM_MEASURE:
        what = f"{name} 自 {p.get('ordered_on', '')} 起{kind}（{who} 记录）"
    elif event.kind == K.INTERIM_LIFTED:
        what = f"{name} 的{kind}自 {p.get('lifted_on', '')} 起解除"
    else:
        outcome = "由最终决定吸收" if p.get("outcome") == InterimMeasure.State.ABSORBED else "解除"
        what = f"{name} 的{kind}已{outcome}（{p.get('ended_on', '')}）"
    text = f"{_label(case)}：{what}，理由：{event.reason}。"
    return _to_department(event, case.owner_department_id, "interim_measure", text)


def _combine(*rules: Callable[[CaseEvent, Case], list[Recipient]]) -> Callable[[CaseEvent, Case], list[Recipient]]:
    def run(event: CaseEvent, case: Case) -> list[Recipient]:
        result: list[Recipient] = []
        for rule in rules:
            result += rule(event, case)
        return result

    return run


RULES: dict[str, Callable[[CaseEvent, Case], list[Recipient]]] = {
    K.LEAD: _lead,
    K.TRANSFER: _transfer,
    K.LIFELONG_REFERRAL: _lifelong,
    K.CRIME_REFERRAL: _crime,
    K.REFERRAL_ACKNOWLEDGE: _referral_outcome,
    K.REFERRAL_ACCEPT: _referral_outcome,
    K.REFERRAL_RETURN: _referral_outcome,
    K.ACCEPT: _stage_task,
    K.SUBMIT_FINDINGS: _stage_task,
    K.CONCLUDE: _combine(_stage_task, _outcome_to_source),
    K.PROPOSE: _approval_request,
    K.REJECT: _rejected,
    K.APPROVE: _combine(_stage_task, _outcome_to_source),
    K.DELIVER: _delivered,
    K.CLOSE: _outcome_to_source,
    K.DISMISS: _outcome_to_source,
    K.APPEAL_FILED: _appeal,
    K.TASK_ASSIGNED: _task_assigned,
    K.TASK_REASSIGNED: _task_assigned,
    K.DEADLINE_WARNING: _deadline,
    K.DEADLINE_OVERDUE: _deadline,
    K.FILED: _filed,
    K.SUBJECT_MOVED_UNDER_INVESTIGATION: _moved_under_investigation,
    K.INTERIM_MEASURE: _interim,
    K.INTERIM_LIFTED: _interim,
    K.INTERIM_SETTLED: _interim,
    K.ACCIDENT_REGRADED: _accident_regraded,
}
# Kinds nobody is told about, on purpose: marked where the kind is defined (``cases.codes``), so a
# new silent kind is one line there. ``cases/tests/test_lifecycle_spec.py`` fails on a kind that
# is in neither table.
SILENT = SILENT_EVENT_KINDS


def recipients_for(event: CaseEvent) -> Iterable[Recipient]:
    rule = RULES.get(event.kind)
    if rule is None:
        return []
    seen: set[int] = set()
    result = []
    for recipient in rule(event, event.case):
        if recipient.user_id == event.actor_id or recipient.user_id in seen:
            continue
        seen.add(recipient.user_id)
        result.append(recipient)
    return result
