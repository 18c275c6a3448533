"""Serializers of API v1 (PRODUCT §9). Field names listed in the spec are a public contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from cases.codes import DECIDED_STATES, AppealRoute, AppealStage, CaseState, SourceKind
from cases.lifecycle.spec import TRANSITIONS
from cases.models import Accident, Appeal, Case, CaseEvent, CaseMaterial, ExecutionTask, InterimMeasure, MeasureDecision, Referral
from cases.selectors import decided_measures
from cases.selectors.accidents import accident_timeliness
from cases.selectors.appeals import AppealContext, appeal_routes_for
from cases.selectors.exemption import performance_findings
from cases.selectors.transitions import available_transitions
from core.api.fields_cache import CachedFieldsModelSerializer
from core.api.schema import ClosedBody
from core.inputs import CODE_MAX_LENGTH, FACTS_MAX_LENGTH, TEXT_MAX_LENGTH, past_date, past_datetime, plausible_date
from org.codes import MoveKind, Role
from org.models import Cadre, Department, Post
from rulebooks.models import Rulebook

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DepartmentBriefSerializer(CachedFieldsModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "kind", "name"]


class DepartmentSerializer(CachedFieldsModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "kind", "name", "level", "parent"]


class PostSerializer(CachedFieldsModelSerializer):
    organization = DepartmentBriefSerializer(read_only=True)
    managing_authority = DepartmentBriefSerializer(read_only=True)

    class Meta:
        model = Post
        fields = ["id", "organization", "role", "title", "start", "end", "managing_authority", "move_kind"]


class CurrentPostSerializer(serializers.Serializer):
    organization = DepartmentBriefSerializer()
    role = serializers.CharField()
    title = serializers.CharField()
    since = serializers.DateField(source="start")


class CadreSerializer(CachedFieldsModelSerializer):
    current_post = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = ["id", "name", "status", "retired_on", "current_post"]

    def get_current_post(self, cadre: Cadre) -> dict | None:
        posts = [p for p in cadre.posts.all() if p.end is None]
        if not posts:
            return None
        return CurrentPostSerializer(max(posts, key=lambda p: (p.start, p.pk))).data


class CadreDetailSerializer(CadreSerializer):
    posts = PostSerializer(many=True, read_only=True)

    class Meta(CadreSerializer.Meta):
        fields = CadreSerializer.Meta.fields + ["posts"]


class CadreCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    organization = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)
    title = serializers.CharField(max_length=200)
    since = serializers.DateField()
    managing_authority = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)


class MoveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[MoveKind.TRANSFER, MoveKind.PROMOTION, MoveKind.RETIREMENT])
    organization = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    effective_date = serializers.DateField(validators=[plausible_date], help_text="Between 1949 and the end of next year.")
    managing_authority = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    confirm_under_investigation = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A leader of the organization department confirms moving a cadre under investigation (立案), "
        "which 政务处分法第五十二条 bars; needs `reason`. Without it such a move answers 409 under_investigation.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why the move is recorded although the cadre is under investigation.",
    )

    def validate(self, attrs):
        if attrs["kind"] != MoveKind.RETIREMENT:
            missing = {
                name: ["This field is required for a transfer or promotion."]
                for name in ("organization", "role", "title")
                if not attrs.get(name)
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class AccidentReportSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=0, max_value=5, help_text="0 = the unit; 1, 2, … = each level of government")
    reporter = serializers.CharField(max_length=200)
    recipient = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    reported_at = serializers.DateTimeField(
        validators=[past_datetime],
        help_text="Server rule: not before the accident (a level-0 report not before known_at), not in the future",
    )


class ReportingFindingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["omitted", "false", "concealed"])
    evidence = serializers.CharField(max_length=FACTS_MAX_LENGTH)


class TimelinessStepSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="0 = the unit; 1, 2, … = each level of government")
    deadline = serializers.DateTimeField()
    reported_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    minutes_late = serializers.IntegerField()


class AccidentTimelinessSerializer(serializers.Serializer):
    """迟报 of the report chain (条例第九、十一条): the shape ``accident_timeliness`` returns."""

    late = serializers.BooleanField(allow_null=True, help_text="null: no reporting limit was in force on the accident's date")
    steps = TimelinessStepSerializer(many=True)
    basis = serializers.CharField()
    no_limit_on = serializers.DateField(allow_null=True)
    unit_clock_from = serializers.ChoiceField(
        choices=["known_at", "occurred_at"],
        help_text="Where the unit's 1-hour clock started: known_at when recorded, else occurred_at (条例第九条)",
    )
    unit_clock_start = serializers.DateTimeField()
    explanation = serializers.ListField(child=serializers.CharField())


class AccidentSerializer(CachedFieldsModelSerializer):
    grade = serializers.CharField(read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    timeliness = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()
    reporting_findings = serializers.SerializerMethodField()

    @extend_schema_field(AccidentTimelinessSerializer)
    def get_timeliness(self, accident) -> dict:
        return AccidentTimelinessSerializer(accident_timeliness(accident)).data

    def get_reports(self, accident) -> list[dict]:
        return [
            {"level": r.level, "reporter": r.reporter, "recipient": r.recipient_id, "reported_at": r.reported_at}
            for r in accident.reports.all()
        ]

    def get_reporting_findings(self, accident) -> list[dict]:
        return [
            {"kind": f.kind, "kind_display": f.get_kind_display(), "evidence": f.evidence, "recorded_at": f.recorded_at}
            for f in accident.reporting_findings.all()
        ]

    class Meta:
        model = Accident
        fields = [
            "id",
            "title",
            "occurred_at",
            "known_at",
            "location",
            "description",
            "deaths",
            "serious_injuries",
            "direct_loss_yuan",
            "unit_reported_at",
            "grade",
            "grade_display",
            "timeliness",
            "reports",
            "reporting_findings",
        ]
        extra_kwargs = {
            "occurred_at": {"help_text": "Server rule: not in the future", "validators": [past_datetime]},
            "known_at": {
                "help_text": "When the unit head learned of the accident; the unit's 1-hour report clock runs from here "
                "(条例第九条), else from occurred_at. Server rule: not before occurred_at, not in the future",
                "validators": [past_datetime],
            },
            "unit_reported_at": {
                "help_text": "Server rule: not before occurred_at (nor known_at), not in the future",
                "validators": [past_datetime],
            },
            "direct_loss_yuan": {"help_text": "Yuan, as a decimal string. Server rule: not negative"},
        }

    def validate_direct_loss_yuan(self, value):
        if value < 0:
            raise serializers.ValidationError("Cannot be negative.")
        return value


class LeadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    facts = serializers.CharField(max_length=FACTS_MAX_LENGTH)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    subjects = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), many=True, allow_empty=False)
    target_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    accident = serializers.PrimaryKeyRelatedField(queryset=Accident.objects.all(), required=False, allow_null=True)
    circumstances = serializers.ListField(child=serializers.CharField(max_length=CODE_MAX_LENGTH), required=False)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeasureSerializer(CachedFieldsModelSerializer):
    deciding_department = serializers.SerializerMethodField(
        help_text="The organ that decides the measure (问责条例第十二条, Art. 34); null only on rows older than deciding organs."
    )
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True, read_only=True)

    class Meta:
        model = MeasureDecision
        fields = ["id", "measure", "sanction_kind", "state", "proposed_at", "decided_on", "deciding_department", "decided_by"]

    @extend_schema_field(DepartmentRefSerializer(allow_null=True))
    def get_deciding_department(self, measure) -> dict | None:
        organ = measure.deciding_department
        return {"id": organ.pk, "name": organ.name} if organ is not None else None


class ErrorSerializer(serializers.Serializer):
    """The one error shape (``core.api.errors``): a machine code and a message, or field messages."""

    error = serializers.CharField(help_text="invalid, not_permitted, not_found, precondition_failed, …")
    detail = serializers.JSONField(help_text="A message, or {field: [messages]} for invalid input.")


class UnderInvestigationErrorSerializer(ErrorSerializer):
    cases = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the cases the cadre is filed in.")
    basis = serializers.CharField(help_text="The article that bars the move (政务处分法第五十二条).")


class FilingSerializer(serializers.Serializer):
    """A subject's 立案 (《监察法》第四十二条), as recorded."""

    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id")
    filed_on = serializers.DateField()
    approved_by = serializers.CharField(source="approved_by.username")
    reason = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class FilingInputSerializer(serializers.Serializer):
    filed_on = serializers.DateField(
        validators=[past_date], help_text="The day the leader approved the 立案; not in the future, not before the case."
    )
    reason = serializers.CharField(
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="The grounds of the 立案: what the preliminary verification found (required).",
    )


class AppealLimitSerializer(serializers.Serializer):
    """A window or a decision limit and the policy row that sets it."""

    code = serializers.CharField()
    amount = serializers.IntegerField()
    unit = serializers.CharField()
    citation = serializers.CharField()
    verified = serializers.BooleanField()
    starts_on = serializers.DateField(allow_null=True, help_text="Known once the decision it runs from is delivered.")
    ends_on = serializers.DateField(allow_null=True, help_text="The last day; null until the start is known.")
    approximate = serializers.BooleanField()


class AppealStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    stage_display = serializers.SerializerMethodField()
    order = serializers.IntegerField()
    after = serializers.CharField(allow_null=True, help_text="The stage whose decision this one is filed against.")
    starts = serializers.CharField(help_text="delivery | previous_decision")
    basis = serializers.CharField()
    body = DepartmentBriefSerializer(allow_null=True, help_text="Who decides it (null: no such department configured).")
    alternatives = DepartmentBriefSerializer(many=True)
    window = AppealLimitSerializer(allow_null=True, help_text="null: no limit is stated (no_window_basis) or none in force.")
    direct_window = AppealLimitSerializer(allow_null=True, help_text="The civil servant's 申诉 without 复核.")
    no_window_basis = serializers.CharField()
    decision = AppealLimitSerializer(allow_null=True)

    def get_stage_display(self, option) -> str:
        return str(AppealStage(option.stage).label)


class AppealRouteSerializer(serializers.Serializer):
    route = serializers.CharField()
    route_display = serializers.SerializerMethodField()
    basis = serializers.CharField()
    stages = AppealStageSerializer(many=True)

    def get_route_display(self, option) -> str:
        return str(AppealRoute(option.route).label)


class MeasureAppealRoutesSerializer(serializers.Serializer):
    """A decided measure's appeal routes (issue 14 item 5)."""

    measure = serializers.IntegerField(source="measure.pk")
    code = serializers.CharField(source="measure.measure")
    sanction_kind = serializers.CharField(source="measure.sanction_kind")
    decided_by = DepartmentBriefSerializer(allow_null=True)
    routes = AppealRouteSerializer(many=True)


class InterimMeasureSerializer(serializers.Serializer):
    """A subject's 先期处置 (interim suspension or removal from post), as recorded, and its end."""

    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id")
    kind = serializers.ChoiceField(choices=InterimMeasure.Kind.choices)
    ordered_on = serializers.DateField()
    reason = serializers.CharField()
    post = serializers.SerializerMethodField()
    authority = DepartmentBriefSerializer()
    ordered_by = serializers.CharField(source="ordered_by.username")
    recorded_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=InterimMeasure.State.choices)
    ended_on = serializers.DateField(allow_null=True, help_text="The first day it no longer applies.")
    end_reason = serializers.CharField()
    ended_by = serializers.SerializerMethodField()
    absorbed_by = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer(
            "InterimPost",
            {"id": serializers.IntegerField(), "title": serializers.CharField(), "organization": serializers.CharField()},
        )
    )
    def get_post(self, measure) -> dict:
        post = measure.post
        return {"id": post.pk, "title": post.title, "organization": post.organization.name}

    def get_ended_by(self, measure) -> str | None:
        return measure.ended_by.username if measure.ended_by_id else None

    @extend_schema_field(MeasureSerializer(allow_null=True))
    def get_absorbed_by(self, measure) -> dict | None:
        return MeasureSerializer(measure.absorbed_by).data if measure.absorbed_by_id else None


class InterimMeasureInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InterimMeasure.Kind.choices, help_text="suspension (先期停职) or removal (先期免职).")
    ordered_on = serializers.DateField(
        validators=[past_date],
        help_text="The day the authority decided it; not in the future, not before the accident or the conduct.",
    )
    reason = serializers.CharField(
        allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="Why, ahead of the findings (required)."
    )


class InterimLiftSerializer(serializers.Serializer):
    lifted_on = serializers.DateField(
        validators=[past_date], help_text="The first day it no longer applies; not in the future, not before the measure."
    )
    reason = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="Why it is lifted (required).")


class InterimSettleSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("absorbed", "absorbed"), ("lifted", "lifted")],
        help_text="absorbed (吸收): a decided measure of the subject takes them off the post and covers it; lifted (解除).",
    )
    reason = serializers.CharField(
        allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="How the decision treats it (required)."
    )


class SubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cadre = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    filing = serializers.SerializerMethodField()
    interim_measures = InterimMeasureSerializer(many=True)
    finding = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    measures = MeasureSerializer(many=True)
    appeal_routes = serializers.SerializerMethodField(
        help_text="For each decided measure: its appeal routes, each stage's body and window (empty before a decision)."
    )

    def get_cadre(self, subject) -> dict:
        return {"id": subject.cadre_id, "name": subject.cadre.name, "status": subject.cadre.status}

    def get_post(self, subject) -> dict | None:
        post = subject.post
        if post is None:
            return None
        return {
            "organization": {"id": post.organization_id, "name": post.organization.name},
            "role": post.role,
            "title": post.title,
        }

    @extend_schema_field(FilingSerializer(allow_null=True))
    def get_filing(self, subject) -> dict | None:
        filing = getattr(subject, "filing", None) if hasattr(subject, "filing") else None
        return FilingSerializer(filing).data if filing is not None else None

    def get_finding(self, subject) -> dict | None:
        finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
        if finding is None:
            return None
        return {
            "circumstances": finding.circumstances,
            "aggravating": finding.aggravating,
            "mitigating": finding.mitigating,
            "duties_fully_performed": finding.duties_fully_performed,
            "fault_tolerance": finding.fault_tolerance,
            "suspected_crime": finding.suspected_crime,
            "egregious": finding.egregious,
            "conduct_date": finding.conduct_date,
            "post_duties": finding.post_duties,
            "performance": finding.performance,
            "conditions": finding.conditions,
            "evidence": finding.evidence,
            "exemption_justification": finding.exemption_justification,
            "full_performance": conditions_payload(finding),
            "materials": list(finding.materials or []),
        }

    @extend_schema_field(MeasureAppealRoutesSerializer(many=True))
    def get_appeal_routes(self, subject) -> list[dict]:
        case = subject.case
        if case.state not in DECIDED_STATES or not any(m.state == MeasureDecision.State.DECIDED for m in subject.measures.all()):
            return []
        contexts = self.context.setdefault("_appeal_contexts", {}) if isinstance(self.context, dict) else {}
        if case.pk not in contexts:
            contexts[case.pk] = AppealContext(case)
        return list(MeasureAppealRoutesSerializer(appeal_routes_for(subject, context=contexts[case.pk]), many=True).data)

    def get_assessment(self, subject) -> dict | None:
        """The conclusion the case was decided on: output and the policy version it used."""
        assessments = list(subject.assessments.all())
        if not assessments:
            return None
        last = assessments[-1]
        return {"id": last.pk, "output": last.output, "policy_version": last.policy_version, "created_at": last.created_at}


class CaseListSerializer(CachedFieldsModelSerializer):
    owner_department = DepartmentBriefSerializer()
    source_department = DepartmentBriefSerializer()
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_display",
            "source_kind",
            "owner_department",
            "source_department",
            "created_at",
        ]


class CaseReferralSerializer(CachedFieldsModelSerializer):
    """A referral on the case detail (issue 14): crime and lifelong ones name their subject;
    ``blocks_end`` is true for a crime referral neither accepted nor returned (Art. 27)."""

    from_department = DepartmentBriefSerializer()
    to_department = DepartmentBriefSerializer()
    cadre = serializers.SerializerMethodField()
    blocks_end = serializers.BooleanField(
        read_only=True, help_text="A crime referral neither accepted nor returned: the case cannot be not pursued or closed."
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "kind",
            "crime",
            "subject",
            "cadre",
            "from_department",
            "to_department",
            "state",
            "reason",
            "return_reason",
            "acknowledge_by",
            "created_at",
            "handled_at",
            "blocks_end",
        ]

    def get_cadre(self, referral) -> dict | None:
        subject = referral.subject
        return {"id": subject.cadre_id, "name": subject.cadre.name} if subject is not None else None


class CaseDetailSerializer(CaseListSerializer):
    subjects = SubjectSerializer(many=True)
    referrals = CaseReferralSerializer(many=True, read_only=True)
    available_transitions = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    proposed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    approved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    access = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "version",
            "facts",
            "accident",
            "circumstances",
            "subjects",
            "available_transitions",
            "team",
            "proposed_by",
            "approved_by",
            "decided_on",
            "delivered_on",
            "closed_at",
            "access",
            "referrals",
        ]

    def get_available_transitions(self, case) -> list[str]:

        return available_transitions(case, self.context["request"].user)

    def get_team(self, case) -> list[str]:
        return sorted(u.username for u in case.team.all())

    def get_access(self, case) -> str:
        return "full"


class CaseOutcomeSerializer(CachedFieldsModelSerializer):
    """What a referring agency sees of a lead it referred: status and outcome, nothing else."""

    owner_department = DepartmentBriefSerializer()
    state_display = serializers.CharField(source="get_state_display")
    outcome = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_display",
            "owner_department",
            "created_at",
            "closed_at",
            "outcome",
            "access",
        ]

    def get_access(self, case) -> str:
        return "source"

    def get_outcome(self, case) -> dict | None:
        if case.state not in (
            CaseState.DECIDED,
            CaseState.EXECUTING,
            CaseState.CLOSED,
            CaseState.DISMISSED,
            CaseState.NOT_PURSUED,
        ):
            return None
        measures = decided_measures(case)
        return {
            "state": case.state,
            "decided_on": case.decided_on,
            "measures": [
                {"cadre": m.subject.cadre.name, "measure": m.measure, "sanction_kind": m.sanction_kind} for m in measures
            ],
        }


TRANSITION_NAMES = [t.name for t in TRANSITIONS]


class TransitionSerializer(serializers.Serializer):
    """``{name, ...payload}``: the payload fields depend on the transition (PRODUCT §9)."""

    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    to_department = serializers.IntegerField(
        required=False, help_text="transfer. Server rule: required for transfer; an existing department that can take it"
    )
    reason = serializers.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=f"{', '.join(t.name for t in TRANSITIONS if t.reason_required)} (required); others optional. "
        "Server rule: required for those transitions",
    )
    team = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        help_text="accept: ≥ 2 usernames. Server rule: required for accept; active members of the owning department",
    )
    measures = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="propose: [{subject, measure, sanction_kind?}]. Server rule: required for propose; each measure allowed "
        "for its subject by the findings",
    )
    delivered_on = serializers.DateField(
        required=False,
        validators=[past_date],
        help_text="deliver. Server rule: required for deliver; from 1949, not before the decision, not in the future",
    )
    crime_referrals = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="conclude, optional: [{subject, crime?: duty_crime|other_crime, to_department?, note?}] — where each "
        "suspected crime is referred (Art. 27); default: the discipline organ (监委) for a duty_crime; an other_crime "
        "needs a public_security department. Server rule: each names a subject of the case suspected of a crime",
    )
    version = serializers.IntegerField(
        required=False, help_text="optional: the case version you saw (or send If-Match); 409 if it changed"
    )


class ConditionInputSerializer(serializers.Serializer):
    established = serializers.BooleanField(required=False, help_text="The investigation established it (经查实). Default false.")
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="What was found; required when established."
    )
    evidence = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="What it rests on; required when established (for duties the duty ledger is the evidence: optional).",
    )


class FullPerformanceInputSerializer(serializers.Serializer):
    duties = ConditionInputSerializer(
        required=False,
        help_text="本细则第二章、第三章所规定职责: backed by the duty ledger; every gap needs an explanation (ledger-gaps/).",
    )
    statutory = ConditionInputSerializer(required=False, help_text="法律法规规定有关职责")
    deployments = ConditionInputSerializer(required=False, help_text="全面落实了县委和政府有关工作部署")


class FindingInputSerializer(ClosedBody):
    circumstances = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        help_text="Server rule: codes of the rulebook in force on the conduct date (/api/v1/rulebooks/)",
    )
    aggravating = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        help_text="Server rule: codes of the rulebook in force on the conduct date (/api/v1/rulebooks/)",
    )
    mitigating = serializers.BooleanField(required=False)
    duties_fully_performed = serializers.BooleanField(
        required=False,
        help_text="Derived (Art. 31): true exactly when the three findings of full_performance are established. "
        "Optional. Server rule: when sent it must agree (400 otherwise).",
    )
    fault_tolerance = serializers.BooleanField(required=False)
    suspected_crime = serializers.BooleanField(required=False)
    egregious = serializers.BooleanField(required=False)
    conduct_date = serializers.DateField(
        validators=[past_date], help_text="Server rule: from 1949, not in the future; a rulebook in force on it (from 2018-04-08)"
    )
    post_duties = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    performance = serializers.CharField(required=False, allow_blank=True, max_length=FACTS_MAX_LENGTH)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=FACTS_MAX_LENGTH)
    materials = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=200,
        help_text="Ids of the case materials (versions) the findings cite; left out: none. Server rule: materials of "
        "this case; a withdrawn one may stay cited, not be newly cited",
    )
    full_performance = FullPerformanceInputSerializer(
        required=False, help_text="Art. 31's three findings; a condition left out is not established."
    )
    exemption_justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Retired (issue 13). Findings made before keep theirs (read-only in GET). Server rule: only blank",
    )


class Art31PartsSerializer(serializers.Serializer):
    duties = serializers.BooleanField(required=False, help_text="本细则第二章、第三章所规定职责")
    statutory = serializers.BooleanField(required=False, help_text="法律法规规定有关职责")
    deployments = serializers.BooleanField(required=False, help_text="县委和政府有关工作部署")


# --- Art. 31 (issue 13): the three findings and the duty ledger's gaps ---------------------------


def conditions_payload(finding) -> dict:
    """Art. 31's three findings of a finding (``finding.full_performance``, prefetched)."""
    return {
        condition: {
            "established": bool(row and row.established),
            "text": row.text if row else "",
            "evidence": row.evidence if row else "",
            "recorded_by": row.recorded_by.username if row else None,
            "recorded_at": row.recorded_at if row else None,
        }
        for condition, row in performance_findings(finding).items()
    }


class ConditionSerializer(serializers.Serializer):
    established = serializers.BooleanField()
    text = serializers.CharField()
    evidence = serializers.CharField()
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)


class FullPerformanceSerializer(serializers.Serializer):
    duties = ConditionSerializer()
    statutory = ConditionSerializer()
    deployments = ConditionSerializer()


class EngineFullPerformanceSerializer(serializers.Serializer):
    duties = serializers.BooleanField()
    statutory = serializers.BooleanField()
    deployments = serializers.BooleanField()


class GapExplanationInputSerializer(ClosedBody):
    obligation = serializers.IntegerField(
        help_text="The obligation of the gap (its id in /api/v1/obligations/). Server rule: a gap of this subject's ledger"
    )
    period_start = serializers.DateField(
        validators=[plausible_date],
        help_text="The first day of the gap's block, as the ledger shows it. Server rule: a gap of this subject's ledger",
    )
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, help_text="Why the gap does not stand against Art. 31.")
    evidence = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="The evidence, described."
    )
    duty_records = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Duty records of the cadre the explanation rests on. Server rule: records of this cadre",
    )


class GapExplanationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id")
    obligation = serializers.IntegerField(source="obligation_id")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    reason = serializers.CharField()
    evidence = serializers.CharField()
    duty_records = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()

    def get_duty_records(self, explanation) -> list[int]:
        return sorted(r.pk for r in explanation.duty_records.all())


class GapExplainLinkSerializer(serializers.Serializer):
    method = serializers.CharField()
    href = serializers.CharField()
    body = serializers.DictField()


class LedgerGapSerializer(serializers.Serializer):
    obligation = serializers.IntegerField()
    code = serializers.CharField()
    citation = serializers.CharField()
    text = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.ChoiceField(choices=["missed", "partial"], help_text="missed, or held in part and not met")
    done = serializers.IntegerField()
    held_from = serializers.DateField()
    held_to = serializers.DateField(allow_null=True)
    explanation = GapExplanationSerializer(allow_null=True)
    explain = GapExplainLinkSerializer(help_text="How to record (or replace) this gap's explanation.")

    def get_fields(self):
        # ``required`` is also an attribute of every serializer field: declared here, not above.
        fields = super().get_fields()
        fields["required"] = serializers.IntegerField(help_text="Records the block asks for.")
        return fields


class Art31LedgerSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The twelve months up to the conduct start here.")
    end = serializers.DateField()
    as_of = serializers.DateField(help_text="Judged on the conduct date: the block running that day is not a gap.")
    obligations = serializers.IntegerField(help_text="Duties of Chapters 2–3 of the posts held in the window.")
    backed = serializers.BooleanField(help_text="At least one duty and every gap explained.")
    gaps = LedgerGapSerializer(many=True)


class SubjectFindingsSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    finding = serializers.DictField(allow_null=True, help_text="As in the case detail's subjects, with full_performance.")
    full_performance = EngineFullPerformanceSerializer(
        help_text="What the rule engine is given for Art. 31 now (the duties condition re-checked against the ledger)."
    )
    art31_ledger = Art31LedgerSerializer(allow_null=True, help_text="null until findings with a conduct date are saved.")


class AssessmentInputSerializer(ClosedBody):
    circumstances = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        help_text="Server rule: codes of the rulebook in force on the conduct date (/api/v1/rulebooks/)",
    )
    aggravating = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        help_text="Server rule: codes of the rulebook in force on the conduct date (/api/v1/rulebooks/)",
    )
    mitigating = serializers.BooleanField(required=False)
    duties_fully_performed = serializers.BooleanField(required=False)
    fault_tolerance = serializers.BooleanField(required=False)
    suspected_crime = serializers.BooleanField(required=False)
    egregious = serializers.BooleanField(required=False)
    cadre_status = serializers.ChoiceField(choices=["in_office", "transferred", "promoted", "retired"], required=False)
    conduct_date = serializers.DateField(
        # No date validator here: the rule engine names a day in the future or before every rulebook
        # in its own words, the same in the CLI and the API (cases/tests/test_cli_api_parity.py).
        help_text="The rulebook in force on it applies. Server rule: not in the future; a rulebook in force (from 2018-04-08)",
    )
    accident_grade = serializers.ChoiceField(
        choices=["general", "larger", "major", "especially_major"],
        required=False,
        help_text="Grade of the accident (条例第三条) for 26.5/26.6; refines the measures and sanction grades.",
    )
    full_performance = Art31PartsSerializer(
        required=False, help_text="Art. 31's three conditions; the exemption needs all three (issue 13)."
    )
    jurisdiction = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A department id whose rulebook applies; default: the caller's county. Server rule: an existing department",
    )


class RulebookRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    jurisdiction = serializers.IntegerField(allow_null=True, help_text="Department id; null for national rules.")
    jurisdiction_name = serializers.CharField()
    valid_from = serializers.DateField()
    verification = serializers.ChoiceField(choices=Rulebook.Verification.choices)


class ExplanationLineSerializer(serializers.Serializer):
    article = serializers.CharField(help_text="Canonical article code (PRODUCT §1.3).")
    cite = serializers.CharField(help_text="The applied rulebook's own article number.")
    text = serializers.CharField()


class RulebookComparisonSerializer(serializers.Serializer):
    at_conduct = RulebookRefSerializer()
    current = RulebookRefSerializer()
    applied = serializers.ChoiceField(choices=["at_conduct", "current"])
    policy_versions = serializers.DictField(child=serializers.CharField())


class VetoSerializer(serializers.Serializer):
    applies = serializers.BooleanField()
    floor_months = serializers.IntegerField(allow_null=True, help_text="Only where the applied rulebook states one.")


class LifelongSerializer(serializers.Serializer):
    applies = serializers.BooleanField()
    action = serializers.ChoiceField(choices=["none", "transfer_materials", "pursue_retired"])


class EvaluationSerializer(serializers.Serializer):
    """The rule engine's output (PRODUCT §2), engine 2."""

    accountable = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=["accountable", "not_pursued", "tolerated"])
    severity = serializers.ChoiceField(choices=["heavier", "standard", "lighter", "conflict"])
    allowed_measures = serializers.ListField(child=serializers.CharField(), help_text="Each alone answers every circumstance.")
    combinable_measures = serializers.ListField(child=serializers.CharField())
    measures_by_circumstance = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    allowed_sanctions = serializers.ListField(child=serializers.CharField())
    sanctions_by_circumstance = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    crime_referral = serializers.BooleanField()
    veto = VetoSerializer()
    lifelong = LifelongSerializer()
    citations = serializers.ListField(child=serializers.CharField())
    explanation = ExplanationLineSerializer(many=True)
    policy_version = serializers.CharField()
    rulebook = RulebookRefSerializer()
    rulebook_comparison = RulebookComparisonSerializer(allow_null=True)
    engine = serializers.IntegerField()


class EventSerializer(CachedFieldsModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["seq", "kind", "from_state", "to_state", "actor", "reason", "payload", "created_at", "hash"]


class ReferralSerializer(CachedFieldsModelSerializer):
    from_department = DepartmentBriefSerializer()
    to_department = DepartmentBriefSerializer()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "kind",
            "crime",
            "subject",
            "from_department",
            "to_department",
            "state",
            "reason",
            "return_reason",
            "materials",
            "acknowledge_by",
            "created_at",
            "handled_at",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class ExecutionSerializer(CachedFieldsModelSerializer):
    department = DepartmentBriefSerializer()
    measure = serializers.SerializerMethodField()
    sanction_kind = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()

    class Meta:
        model = ExecutionTask
        fields = [
            "id",
            "case",
            "subject",
            "kind",
            "measure",
            "sanction_kind",
            "archive",
            "department",
            "state",
            "due_on",
            "completed_at",
            "note",
        ]

    def get_measure(self, task) -> str | None:
        return task.measure.measure if task.measure_id else None

    def get_sanction_kind(self, task) -> str | None:
        return task.measure.sanction_kind if task.measure_id else None

    def get_subject(self, task) -> dict:
        return {"id": task.subject_id, "cadre": task.subject.cadre.name}


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class AppealSerializer(CachedFieldsModelSerializer):
    deciding_department = DepartmentBriefSerializer(read_only=True)
    measures = serializers.SerializerMethodField(
        help_text="Ids of the measures appealed (empty for appeals filed before routes)."
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "case",
            "subject",
            "filed_on",
            "grounds",
            "state",
            "deciding_department",
            "decision_reason",
            "decided_at",
            "route",
            "stage",
            "previous",
            "measures",
            "window_ends_on",
            "decision_delivered_on",
        ]
        read_only_fields = ["state", "decision_reason", "decided_at"]

    def get_measures(self, appeal) -> list[int]:
        return sorted(m.pk for m in appeal.measures.all())


class AppealCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    subject = serializers.IntegerField()
    filed_on = serializers.DateField(validators=[past_date], help_text="Between 1949 and today.")
    grounds = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    route = serializers.ChoiceField(
        choices=AppealRoute.choices,
        required=False,
        help_text="Default: accountability when the subject's decided measures open it, else their only route.",
    )
    stage = serializers.ChoiceField(choices=AppealStage.choices, required=False, help_text="Default: the route's first stage.")
    previous = serializers.IntegerField(
        required=False, help_text="The decided first-stage appeal a second stage is filed against (default: the latest)."
    )
    measures = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the decided measures appealed (default: all of the subject's on the route).",
    )
    deciding_department = serializers.IntegerField(
        required=False, help_text="One of the bodies the stage allows (default: the first, see the subject's appeal_routes)."
    )


class AppealDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    measures = serializers.ListField(child=serializers.DictField(), required=False)
    delivered_on = serializers.DateField(
        required=False,
        validators=[past_date],
        help_text="The day the decision reached the appellant (default today): a next stage's window starts here.",
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=CODE_MAX_LENGTH)
    password = serializers.CharField(max_length=TEXT_MAX_LENGTH, style={"input_type": "password"})


class VetoOverrideSerializer(ClosedBody):
    until = serializers.DateField(validators=[plausible_date], help_text="Server rule: between 1949 and the end of next year")
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


# --- case materials (issue 16 item 8) ------------------------------------------------------------


class CaseMaterialSerializer(serializers.Serializer):
    """One version of a case material; ``url`` downloads its file (always as an attachment)."""

    id = serializers.IntegerField()
    series = serializers.CharField(help_text="Shared by every version of one material.")
    version = serializers.IntegerField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    kind = serializers.ChoiceField(choices=CaseMaterial.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    uploaded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = serializers.CharField(source="withdrawn_by.username", allow_null=True, default=None)
    withdraw_reason = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, material) -> str:
        return f"/api/v1/cases/{material.case_id}/materials/{material.pk}/file/"


class MaterialWithdrawSerializer(ClosedBody):
    reason = serializers.CharField(
        allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="Why it is withdrawn. Server rule: not blank"
    )
