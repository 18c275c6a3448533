"""The public codes of PRODUCT §1. External clients depend on these slugs: never rename them.

Each label keeps the seed's Chinese legal term; the English gloss is the msgid so the UI can be
shown in either language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """Art. 27 measures in the seed's order. 约谈 (Art. 15) is deliberately absent."""

    NOTICE = "notice", _("Circulated notice (通报)")
    ADMONISHMENT = "admonishment", _("Admonishment (诫勉)")
    SUSPENSION = "suspension", _("Suspension for examination (停职检查)")
    REASSIGNMENT = "reassignment", _("Reassignment (调整职务)")
    ORDERED_RESIGNATION = "ordered_resignation", _("Ordered resignation (责令辞职)")
    DEMOTION = "demotion", _("Demotion (降职)")
    DISMISSAL = "dismissal", _("Dismissal from post (免职)")
    SANCTION = "sanction", _("Disciplinary sanction (处分)")


MEASURE_ORDER = [m.value for m in Measure]
ORGANIZATIONAL_MEASURES = frozenset({"suspension", "reassignment", "ordered_resignation", "demotion", "dismissal"})
# Art. 34 / PRODUCT §1.4: the organization department carries out organizational measures and 诫勉.
EXECUTED_BY_ORGANIZATION = ORGANIZATIONAL_MEASURES | {"admonishment"}


class SanctionKind(models.TextChoices):
    """Party discipline (党纪处分) and government sanctions (政务处分) for the `sanction` measure."""

    PARTY_WARNING = "party_warning", _("Party warning (党内警告)")
    PARTY_SERIOUS_WARNING = "party_serious_warning", _("Serious Party warning (党内严重警告)")
    PARTY_REMOVAL_FROM_POST = "party_removal_from_post", _("Removal from Party post (撤销党内职务)")
    PARTY_PROBATION_1Y = "party_probation_1y", _("Probation within the Party, one year (留党察看一年)")
    PARTY_PROBATION_2Y = "party_probation_2y", _("Probation within the Party, two years (留党察看二年)")
    PARTY_EXPULSION = "party_expulsion", _("Expulsion from the Party (开除党籍)")
    GOV_WARNING = "gov_warning", _("Government warning (警告)")
    GOV_DEMERIT = "gov_demerit", _("Demerit (记过)")
    GOV_MAJOR_DEMERIT = "gov_major_demerit", _("Major demerit (记大过)")
    GOV_DEMOTION_IN_GRADE = "gov_demotion_in_grade", _("Demotion in grade (降级)")
    GOV_REMOVAL = "gov_removal", _("Removal from office (撤职)")
    GOV_EXPULSION = "gov_expulsion", _("Expulsion from public office (开除)")


class AppealRoute(models.TextChoices):
    """How a decided measure is challenged (issue 14 item 5): each route has its own stages,
    bodies and windows (``cases.rules.appeals``). Old appeals are on ``accountability``."""

    ACCOUNTABILITY = "accountability", _("Accountability appeal under the Party accountability rules (问责申诉)")
    PARTY_DISCIPLINE = "party_discipline", _("Appeal against a Party disciplinary sanction (党纪处分申诉)")
    GOVERNMENT_SANCTION = "government_sanction", _("Review and recheck of a government sanction (政务处分复审、复核)")
    CIVIL_SERVICE = "civil_service", _("Civil servant recheck and appeal (公务员复核、申诉)")


class AppealStage(models.TextChoices):
    """A stage of an appeal route. 申诉 is the only stage of the Party routes and the second
    (or, without 复核, the only) stage of the civil servant's; 复审 then 复核 for 政务处分; 复核
    is also the civil servant's first stage (《公务员法》第九十五条)."""

    APPEAL = "appeal", _("Appeal (申诉)")
    REVIEW = "review", _("Review by the deciding organ (复审)")
    RECHECK = "recheck", _("Recheck (复核)")


class Circumstance(models.TextChoices):
    """Art. 26: the seven circumstances that call for accountability."""

    C1 = "26.1", _("Duties of Chapters 2–3 not performed (履行职责不到位)")
    C2 = "26.2", _("Obstructing supervision or accident investigation (阻挠、干涉、妨碍监管执法或事故调查处理)")
    C3 = "26.3", _("Interceding for violating firms or meddling in cases (说情、打招呼、插手具体案件)")
    C4 = "26.4", _("Leadership responsibility for late, omitted, false or concealed accident reports (迟报、漏报、谎报、瞒报)")
    C5 = "26.5", _("Leadership responsibility for an accident (对发生生产安全事故负有领导责任)")
    C6 = "26.6", _("Ineffective crackdown on illegal production with repeated accidents (打非治违不力)")
    C7 = "26.7", _("Other circumstances calling for accountability (其他应当问责情形)")


class FullPerformance(models.TextChoices):
    """Art. 31's three conditions, each the investigator's own finding with text and evidence:
    "经查实已经全面履行了本细则第二章、第三章所规定职责、法律法规规定有关职责，并全面落实了县委和
    政府有关工作部署的，不予追究有关党政领导干部的领导责任". The order is the seed's."""

    DUTIES = "duties", _("Duties of Chapters 2–3 fully performed (全面履行了本细则第二章、第三章所规定职责)")
    STATUTORY = "statutory", _("Duties under laws and regulations fully performed (全面履行了法律法规规定有关职责)")
    DEPLOYMENTS = (
        "deployments",
        _("Deployments of the county committee and government fully carried out (全面落实了县委和政府有关工作部署)"),
    )


class Aggravating(models.TextChoices):
    """Art. 29: circumstances that make accountability heavier (从重)."""

    A1 = "29.1", _("Poor work enlarged casualties or losses, or caused serious social impact (29.1)")
    A2 = "29.2", _("Refused to execute supervised matters or poorly rectified major hazards (29.2)")
    A3 = "29.3", _("Similar problem again in the same term after being held accountable (29.3)")
    A4 = "29.4", _("Other circumstances calling for heavier accountability (29.4)")


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (xunca) (巡察)")
    AUDIT = "audit", _("Audit (审计)")
    LAW_ENFORCEMENT = "law_enforcement", _("Administrative law enforcement (行政执法)")
    ACCIDENT_INVESTIGATION = "accident_investigation", _("Accident investigation (事故调查)")
    PETITION = "petition", _("Petition or report (信访举报)")
    SUPERVISION = "supervision", _("Supervision and inspection (监督检查)")
    OTHER = "other", _("Other (其他)")


class CrimeKind(models.TextChoices):
    """What a crime referral (Art. 27; docs/referrals.md) is about, which fixes where it may go:
    职务违法犯罪 of a public official to the supervision side of the discipline organ (监委), any
    other suspected crime (e.g. 不报、谎报安全事故罪, 刑法第一百三十九条之一) to a public security organ."""

    DUTY_CRIME = "duty_crime", _("Suspected job-related violation or crime (涉嫌职务违法犯罪)")
    OTHER_CRIME = "other_crime", _("Other suspected crime (其他涉嫌犯罪)")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Lead received (线索受理)")
    INQUIRING = "inquiring", _("Talk or letter inquiry (谈话函询)")
    HELD = "held", _("Held for later (暂存待查)")
    INVESTIGATING = "investigating", _("Verification and investigation (初步核实/调查)")
    ASSESSING = "assessing", _("Assessing circumstances (情节认定)")
    PROPOSING = "proposing", _("Proposing measures (拟定问责方式)")
    APPROVING = "approving", _("Awaiting approval (审批)")
    DECIDED = "decided", _("Decided (已决定)")
    EXECUTING = "executing", _("Executing (执行中)")
    CLOSED = "closed", _("Closed (结案)")
    DISMISSED = "dismissed", _("Disposed of (予以了结)")
    NOT_PURSUED = "not_pursued", _("Not pursued (不予追究)")


TERMINAL_STATES = {CaseState.CLOSED, CaseState.DISMISSED, CaseState.NOT_PURSUED}
# Named groups of states, so a rule reads "while findings may be recorded" rather than a list
# someone must keep in step with CaseState. Tuples in the order of CaseState, so a ``__in``
# lookup writes the same SQL every run.
OPEN_STATES = tuple(s for s in CaseState if s not in TERMINAL_STATES)
# Ended before any measure was decided (予以了结, 不予追究).
ENDED_EARLY_STATES = (CaseState.DISMISSED, CaseState.NOT_PURSUED)
# A decision on measures exists: its documents, the outcome and appeals can be read.
DECIDED_STATES = (CaseState.DECIDED, CaseState.EXECUTING, CaseState.CLOSED)
# The proceeding has an outcome the referring agency may learn (Art. 34, PRODUCT §5).
OUTCOME_STATES = DECIDED_STATES + ENDED_EARLY_STATES
# Findings may be recorded or changed: during the investigation and the assessment.
FINDING_STATES = (CaseState.INVESTIGATING, CaseState.ASSESSING)
# Accepted for investigation and not yet decided. A subject whose 立案 is recorded (``Filing``)
# is 被立案调查 from the filing date while the case is in one of these states: the bar of
# 《公职人员政务处分法》第五十二条 on moves, promotion and awards (``cases.selectors.records``).
# Before the filing the case is open but bars nothing under that article.
UNDER_INVESTIGATION_STATES = (CaseState.INVESTIGATING, CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING)
# A 立案 may be recorded while the investigation runs (《监察法》2024 第四十二条: 初步核实 → 立案 →
# 调查) and, late, until the decision, dated no later than the day the findings were submitted
# (``cases.services.filings``): a filing decided on paper before Zeren recorded it is not lost.
FILING_STATES = UNDER_INVESTIGATION_STATES
# 先期处置 (an interim suspension or removal from post ahead of the findings) may be recorded from
# the investigation until the decision (``cases.services.interim``; docs/interim-measures.md):
# the managing authority may act on what the investigation shows at any point before the final
# measure is decided. Once ``decided``, each one still in force is settled (absorbed by the final
# measure or lifted) before ``deliver``.
INTERIM_STATES = UNDER_INVESTIGATION_STATES


class CaseEventKind(models.TextChoices):
    """Every kind of ``CaseEvent`` written (PRODUCT §8). The twelve transitions record their own
    name; the others come from findings, 立案, interim measures (先期处置), executions, appeals,
    referrals, tasks, deadlines and moves of a subject under investigation. The label is the line
    on the case's timeline."""

    LEAD = "lead", _("Lead received")
    TRANSFER = "transfer", _("Transferred")
    INQUIRE = "inquire", _("Inquiry started")
    HOLD = "hold", _("Held for later")
    ACCEPT = "accept", _("Accepted for investigation")
    DISMISS = "dismiss", _("Disposed of")
    SUBMIT_FINDINGS = "submit_findings", _("Findings submitted")
    CONCLUDE = "conclude", _("Assessment concluded")
    PROPOSE = "propose", _("Measures proposed")
    REJECT = "reject", _("Proposal sent back")
    APPROVE = "approve", _("Measures approved")
    DELIVER = "deliver", _("Decision delivered")
    CLOSE = "close", _("Case closed")
    FINDINGS = "findings", _("Findings recorded")
    EXECUTION_COMPLETE = "execution_complete", _("Task completed")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal decided: upheld")
    APPEAL_REVISED = "appeal_revised", _("Appeal decided: revised")
    TASK_CLAIMED = "task_claimed", _("Task claimed")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    TASK_REASSIGNED = "task_reassigned", _("Task reassigned")
    TASK_RELEASED = "task_released", _("Task released to the queue")
    DEADLINE_WARNING = "deadline_warning", _("Deadline near")
    DEADLINE_OVERDUE = "deadline_overdue", _("Deadline passed, escalated")
    REFERRAL_ACKNOWLEDGE = "referral_acknowledge", _("Referral acknowledged")
    REFERRAL_ACCEPT = "referral_accept", _("Referral accepted")
    REFERRAL_RETURN = "referral_return", _("Referral returned")
    LIFELONG_REFERRAL = "lifelong_referral", _("Lifelong accountability referral")
    CRIME_REFERRAL = "crime_referral", _("Suspected crime referred (Art. 27)")
    CONCLUSION_HELD = (
        "conclusion_held",
        _("Conclusion held: a crime referral must be accepted or returned before the case can end"),
    )
    VETO_OVERRIDE = "veto_override", _("Veto period overridden")
    FILED = "filed", _("Case filed against a subject (立案)")
    SUBJECT_MOVED_UNDER_INVESTIGATION = (
        "subject_moved_under_investigation",
        _("Move of a subject under investigation recorded (政务处分法第五十二条)"),
    )
    LEDGER_GAP_EXPLAINED = "ledger_gap_explained", _("Gap in the duty ledger explained (Art. 31)")
    DOCUMENTS_CONFIRMED = "documents_confirmed", _("Unverified defaults confirmed before issuing the documents")
    INTERIM_MEASURE = "interim_measure", _("Interim measure recorded (先期处置)")
    INTERIM_LIFTED = "interim_lifted", _("Interim measure lifted (解除)")
    INTERIM_SETTLED = "interim_settled", _("Interim measure settled at the decision (吸收或解除)")
    ACCIDENT_REGRADED = "accident_regraded", _("The accident was regraded (its figures changed)")
    MATERIAL_ADDED = "material_added", _("Case material added")
    MATERIAL_VERSIONED = "material_versioned", _("New version of a case material")
    MATERIAL_WITHDRAWN = "material_withdrawn", _("Case material withdrawn")


# Event kinds that notify nobody, on purpose (every other kind has a rule in
# ``notifications.rules``): an inquiry or a hold stays in the department, findings and completed
# tasks are read on the case page, a claim or release changes only who holds a task, an appeal's
# outcome is written by the deciding department's leader, a veto override is kept for the audit,
# a gap explanation is part of the findings, a confirmation of unverified defaults is kept for the
# audit, a held conclusion is read on the case page (the receiving organ is told by the crime
# referral's own event), case materials are read on the case page by those who see it in full.
SILENT_EVENT_KINDS = frozenset(
    {
        CaseEventKind.CONCLUSION_HELD,
        CaseEventKind.INQUIRE,
        CaseEventKind.HOLD,
        CaseEventKind.FINDINGS,
        CaseEventKind.LEDGER_GAP_EXPLAINED,
        CaseEventKind.DOCUMENTS_CONFIRMED,
        CaseEventKind.EXECUTION_COMPLETE,
        CaseEventKind.APPEAL_UPHELD,
        CaseEventKind.APPEAL_REVISED,
        CaseEventKind.TASK_CLAIMED,
        CaseEventKind.TASK_RELEASED,
        CaseEventKind.VETO_OVERRIDE,
        CaseEventKind.MATERIAL_ADDED,
        CaseEventKind.MATERIAL_VERSIONED,
        CaseEventKind.MATERIAL_WITHDRAWN,
    }
)


class AccidentGrade(models.TextChoices):
    ESPECIALLY_MAJOR = "especially_major", _("Especially major (特别重大)")
    MAJOR = "major", _("Major (重大)")
    LARGER = "larger", _("Larger (较大)")
    GENERAL = "general", _("General (一般)")
