"""Build the demo county of PRODUCT §10, idempotently.

Reference data comes from ``demo.world`` (matched by natural keys, created when missing). The
demo cases are driven through the real services, the same code path as the API, so they carry
complete events and history; they are created once, marked by the first demo case's title, and
a second run leaves everything as it is. The duty ledger, the annual assessment and a patrol
follow from ``demo.ledger``, marked and driven through the services the same way.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.codes import CaseState, SourceKind
from cases.lifecycle.handlers import open_recommendations
from cases.models import Case
from cases.selectors.exemption import art31_ledger
from cases.services.accidents import accident_report_add, reporting_finding_add
from cases.services.appeals import appeal_file
from cases.services.cadres import cadre_move
from cases.services.executions import execution_complete
from cases.services.exemption import gap_explanation_record
from cases.services.filings import subject_file
from cases.services.findings import finding_put
from cases.services.interim import interim_record
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.services.referrals import referral_move
from core.persistence import local_today
from demo.ledger import build_duties_demo
from demo.world import build_world, demo_usernames
from org.codes import DepartmentKind as K
from org.codes import Rank
from org.models import Membership

DEMO_MARKER_TITLE = "【演示】宝丰镇某化工企业“3·15”中毒事故领导责任"

# The Art. 31 case (not pursued): a small fire in 城关镇 on 2 February 2026.
ART31_TITLE = "【演示】城关镇小型火灾事故责任核查"
ART31_FACTS = {
    "circumstances": ["26.5"],
    "conduct_date": "2026-02-02",
    "post_duties": "镇党委主要负责人安全生产职责（细则第五条），每季度至少研究1次、带队检查1次安全生产工作。",
    "performance": "按季度研究部署、带队检查安全生产工作；火灾商铺已纳入2025年第四季度检查并督促整改。",
    "conditions": "事故系商铺经营者私拉电线引发，镇级监管已覆盖。",
    "evidence": "2025年度检查台账；镇党委会议纪要；火灾事故调查报告。",
}
ART31_FULL_PERFORMANCE = {
    "duties": {
        "established": True,
        "text": "经查实，该同志任职期间按季度主持党委会议研究安全生产、带队检查，细则第五条所列常态职责均有记录；"
        "2025年12月前的记录为纸质台账，逐项说明并附卷。",
        "evidence": "Zeren履职台账；纸质台账复印件（附卷）。",
    },
    "statutory": {
        "established": True,
        "text": "经查实，已按《中华人民共和国安全生产法》《中华人民共和国消防法》的规定履行乡镇属地监督检查职责。",
        "evidence": "城关镇2025年消防安全检查记录；对该商铺的隐患整改通知书及复查记录。",
    },
    "deployments": {
        "established": True,
        "text": "经查实，已全面落实县委、县政府2025年冬季火灾防控和燃气安全专项整治部署。",
        "evidence": "县安委办督办通知及城关镇办结报告。",
    },
}
# What each duty's paper record is (the gaps the demo ledger leaves before December 2025).
PAPER_RECORDS = {
    "5-2-township-park": "党委会议研究安全生产工作的会议纪要",
    "5-3-township": "带队检查安全生产工作的检查记录表",
    "5-9": "理论学习中心组安全生产集体学习记录",
}


class Command(BaseCommand):
    help = (
        "Load the demo county (idempotent): departments, users, about 60 cadres, accidents, cases in every state, "
        "and a duty ledger with gaps, the annual assessment and a patrol."
    )

    def handle(self, *args, **options):
        world = build_world()
        if Case.objects.filter(title=DEMO_MARKER_TITLE).exists():
            self.stdout.write("Demo cases already present; nothing changed.")
        else:
            with transaction.atomic():
                self._cases(world.departments, world.users, world.cadres, world.accidents)
            self.stdout.write(self.style.SUCCESS(f"Demo cases created: {Case.objects.count()} cases."))
        # After the cases: the ledger follows the post history they changed (the promoted park
        # deputy), and the patrol's finding becomes one more lead. Its own marker lets a database
        # whose demo cases predate the ledger gain it.
        with transaction.atomic():
            duties = build_duties_demo(world)
        if duties is None:
            self.stdout.write("Demo duty ledger already present; nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo duty ledger created:"))
            for line in duties.lines():
                self.stdout.write(f"  {line}")
        with transaction.atomic():
            explained = self._art31_exemption(world.users)
        if explained is not None:
            self.stdout.write(
                self.style.SUCCESS(f"Art. 31 case not pursued: {explained} gaps of the duty ledger explained by paper records.")
            )
        self.stdout.write(f"Demo users (password from DEMO_PASSWORD, default 'zeren-demo'): {', '.join(demo_usernames())}")

    # --- Art. 31: three findings on evidence (issue 13) ----------------------------------------

    def _art31_exemption(self, u) -> int | None:
        """Finish the Art. 31 case against the duty ledger: the 城关镇 Party secretary's records
        start in December 2025, when the county began keeping the ledger in Zeren; each block of
        the twelve months before the fire that the ledger shows undone is explained by the paper
        records, with the reference of the copy on file; then the three findings are recorded and
        the case is concluded (not pursued). ``None`` when it is done already (a second run, or
        a database from before, whose case kept its written justification)."""
        case = Case.objects.filter(title=ART31_TITLE, state=CaseState.INVESTIGATING).first()
        if case is None:
            return None
        officer = u["discipline_officer"]
        explained = 0
        for subject in case.subjects.select_related("finding"):
            ledger = art31_ledger(subject, subject.finding.conduct_date)
            for n, gap in enumerate(ledger["unexplained"], start=1):
                quarter = f"{gap['start'].year}年第{(gap['start'].month - 1) // 3 + 1}季度"
                what = PAPER_RECORDS.get(gap["code"], "履职记录")
                gap_explanation_record(
                    case_id=case.pk,
                    subject_id=subject.pk,
                    obligation_id=gap["obligation"],
                    period_start=gap["start"].isoformat(),
                    reason=(
                        f"Zeren履职台账自2025年12月起录入；{quarter}的{what}为纸质台账，"
                        "已调取原件核对，时间、内容与该项职责相符。"
                    ),
                    evidence=f"城关镇党委{quarter}{what}（纸质）复印件，附卷第{n}页；镇党政办出具的调取说明。",
                    acting_user=officer,
                )
                explained += 1
            finding_put(
                case_id=case.pk,
                subject_id=subject.pk,
                data={**ART31_FACTS, "full_performance": ART31_FULL_PERFORMANCE},
                acting_user=officer,
            )
        case_transition(case_id=case.pk, name="submit_findings", payload={}, acting_user=officer)
        case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=officer)
        return explained

    # --- cases, driven through the services -----------------------------------------------------

    def _cases(self, d, u, c, a):
        officer, leader = u["discipline_officer"], u["discipline_leader"]
        team = {"team": ["discipline_officer", "discipline_officer2"]}
        today = local_today()

        def lead(title, facts, source_user, kind, subjects, accident=None, circumstances=None, target=None):
            return lead_create(
                acting_user=source_user,
                title=title,
                facts=facts,
                source_kind=kind,
                subjects=subjects,
                accident=accident,
                circumstances=circumstances or [],
                target_department=target,
            )

        def step(case, name, user=officer, **payload):
            return case_transition(case_id=case.pk, name=name, payload=payload, acting_user=user)

        def approve(case):
            """The discipline leader's approval, then each organ's on its 问责建议 (issue 14)."""
            case = step(case, "approve", user=leader)
            for referral in list(open_recommendations(case)):
                organ_leader = Membership.objects.filter(department_id=referral.to_department_id, rank=Rank.LEADER).first()
                case = step(case, "approve", user=organ_leader.user)
            return case

        def findings(case, **data):
            for subject in case.subjects.all():
                finding_put(case_id=case.pk, subject_id=subject.pk, data=data, acting_user=officer)

        def measures_for(case, measure, sanction_kind=""):
            items = []
            for subject in case.subjects.all():
                item = {"subject": subject.pk, "measure": measure}
                if sanction_kind:
                    item["sanction_kind"] = sanction_kind
                items.append(item)
            return items

        accident_facts = {
            "circumstances": ["26.5"],
            "conduct_date": "2026-03-15",
            "post_duties": "分管辖区安全生产，每月至少带队检查1次（细则第九条第（四）项）。",
            "performance": "2026年1—3月未带队检查该企业所在片区。",
            "conditions": "辖区企业多、监管人员不足。",
            "evidence": "事故调查报告；检查记录台账。",
        }

        # closed: the full path, with executions done.
        closed = lead(
            DEMO_MARKER_TITLE,
            "宝丰镇某化工企业发生中毒事故，造成1人死亡、3人重伤。事故调查报告认定分管副镇长负有领导责任。",
            u["emergency_officer"],
            SourceKind.ACCIDENT_INVESTIGATION,
            [c["pl-baofeng:township_deputy:0"]],
            accident=a["baofeng"],
            circumstances=["26.5"],
        )
        step(closed, "accept", **team)
        findings(closed, **accident_facts)
        step(closed, "submit_findings")
        step(closed, "conclude")
        step(closed, "propose", measures=measures_for(closed, "admonishment"))
        step(closed, "approve", user=leader)
        step(closed, "deliver", delivered_on=today.isoformat())
        for task in closed.executions.all():
            dept_user = u["organization_officer"] if task.department.kind == K.ORGANIZATION else officer
            execution_complete(task_id=task.pk, acting_user=dept_user, note="已办结")
        step(closed, "close")

        # executing, with an appeal pending.
        executing = lead(
            "【演示】园区“5·8”爆炸事故中园区管委会领导责任",
            "工业园区某冶炼企业发生爆炸，造成4人死亡。园区分管领导对隐患整改督办不力。",
            u["emergency_officer"],
            SourceKind.ACCIDENT_INVESTIGATION,
            [c["pl-park:park_deputy:0"]],
            accident=a["park"],
            circumstances=["26.5"],
        )
        step(executing, "accept", **team)
        findings(executing, **{**accident_facts, "aggravating": ["29.2"], "conduct_date": "2026-05-08", "egregious": True})
        step(executing, "submit_findings")
        step(executing, "conclude")
        step(
            executing,
            "propose",
            measures=measures_for(executing, "demotion") + measures_for(executing, "sanction", "gov_major_demerit"),
        )
        approve(executing)
        step(executing, "deliver", delivered_on=today.isoformat())
        appeal_file(
            case_id=executing.pk,
            subject_id=executing.subjects.first().pk,
            filed_on=today,
            grounds="认为事故系企业违法生产所致，本人已多次督办。",
            acting_user=officer,
        )
        # Art. 32 in motion: the cadre is promoted to a city post; the egregious case follows
        # with its materials to the city's organization department, which now manages the cadre.
        cadre_move(
            cadre_id=executing.subjects.first().cadre_id,
            kind="promotion",
            effective_date=today,
            organization=d["szs-emergency"],
            role="regulator_deputy",
            title="石嘴山市应急管理局副局长",
            acting_user=u["organization_officer"],
        )
        # The accident's report chain: the unit reported 3 h 10 min after the explosion (迟报).
        park = a["park"]
        accident_report_add(
            accident_id=park.pk,
            level=0,
            reporter="园区某冶炼企业",
            recipient=d["pl-emergency"],
            reported_at=park.occurred_at + dt.timedelta(minutes=190),
            acting_user=u["emergency_officer"],
        )
        accident_report_add(
            accident_id=park.pk,
            level=1,
            reporter="平罗县应急管理局",
            recipient=d["szs-emergency"],
            reported_at=park.occurred_at + dt.timedelta(minutes=260),
            acting_user=u["emergency_officer"],
        )
        reporting_finding_add(
            accident_id=a["road"].pk,
            kind="omitted",
            acting_user=u["emergency_officer"],
            evidence="首报遗漏2名重伤人员，次日补报（交警大队出警记录）。",
        )

        # decided
        decided = lead(
            "【演示】交通局对道路运输企业监管不到位",
            "G110线交通事故暴露出道路运输企业安全监管不到位。",
            u["audit_officer"],
            SourceKind.AUDIT,
            [c["pl-transport:regulator_safety_deputy:0"]],
            accident=a["road"],
            circumstances=["26.1"],
        )
        step(decided, "accept", **team)
        findings(
            decided,
            circumstances=["26.1"],
            conduct_date="2025-08-21",
            mitigating=True,
            post_duties="每月至少带队检查1次（第十条第（三）项）",
            performance="半年仅检查2次",
        )
        step(decided, "submit_findings")
        step(decided, "conclude")
        step(decided, "propose", measures=measures_for(decided, "notice"))
        step(decided, "approve", user=leader)

        # approving
        approving = lead(
            "【演示】头闸镇对非法采砂打非治违不力",
            "头闸镇辖区连续发生两起非法采砂塌方事故。",
            u["inspection_officer"],
            SourceKind.INSPECTION,
            [c["pl-touzha:township_head:0"]],
            circumstances=["26.6"],
        )
        step(approving, "accept", **team)
        findings(approving, circumstances=["26.6"], conduct_date="2026-06-30")
        step(approving, "submit_findings")
        step(approving, "conclude")
        step(approving, "propose", measures=measures_for(approving, "reassignment"))

        # approving, the discipline organ's part decided: 免职 waits for the organization department
        # (问责建议, issue 14; organization_leader decides it)
        recommended = lead(
            "【演示】城关镇迟报较大事故中分管领导责任",
            "城关镇某企业发生事故后，分管副镇长未按规定时限逐级上报，迟报3小时。",
            u["emergency_officer"],
            SourceKind.ACCIDENT_INVESTIGATION,
            [c["pl-chengguan:township_deputy:0"]],
            circumstances=["26.4"],
        )
        step(recommended, "accept", **team)
        findings(recommended, circumstances=["26.4"], conduct_date="2026-07-20")
        step(recommended, "submit_findings")
        step(recommended, "conclude")
        step(
            recommended,
            "propose",
            measures=measures_for(recommended, "dismissal") + measures_for(recommended, "sanction", "party_warning"),
        )
        step(recommended, "approve", user=leader)

        # proposing (after a rejection)
        proposing = lead(
            "【演示】住建局分管领导为违规企业说情",
            "巡察发现住建局分管领导为违规施工企业说情。",
            u["inspection_officer"],
            SourceKind.INSPECTION,
            [c["pl-housing:regulator_safety_deputy:0"]],
            circumstances=["26.3"],
        )
        step(proposing, "accept", **team)
        findings(proposing, circumstances=["26.3"], conduct_date="2026-04-10")
        step(proposing, "submit_findings")
        step(proposing, "conclude")
        step(proposing, "propose", measures=measures_for(proposing, "admonishment"))
        step(proposing, "reject", user=leader, reason="情节较重，诫勉偏轻，请重新研究。")

        # not_pursued (Art. 31 exemption)
        exempt = lead(
            ART31_TITLE,
            "城关镇一商铺火灾，造成1人重伤。经查镇领导已全面履职。",
            u["emergency_officer"],
            SourceKind.ACCIDENT_INVESTIGATION,
            [c["pl-chengguan:township_party_secretary:0"]],
            circumstances=["26.5"],
        )
        step(exempt, "accept", **team)
        # The findings so far; Art. 31's three findings follow once the duty ledger is there
        # (``_art31_exemption``): its gaps before December 2025 are explained one by one.
        findings(exempt, **ART31_FACTS)

        # assessing
        assessing = lead(
            "【演示】姚伏镇瞒报一起工亡事故",
            "姚伏镇一企业发生工亡事故，镇分管领导知情未报。",
            u["emergency_officer"],
            SourceKind.ACCIDENT_INVESTIGATION,
            [c["pl-yaofu:township_deputy:0"]],
            circumstances=["26.4"],
        )
        step(assessing, "accept", **team)
        findings(assessing, circumstances=["26.4"], conduct_date="2026-07-12")
        step(assessing, "submit_findings")

        # investigating
        investigating = lead(
            "【演示】市场监管局阻挠特种设备事故调查",
            "群众举报市场监管局副局长干预特种设备事故调查。",
            u["discipline_officer"],
            SourceKind.PETITION,
            [c["pl-market:regulator_deputy:0"]],
            circumstances=["26.2"],
        )
        step(investigating, "accept", **team)
        # 立案 of the subject, approved by the discipline organ's leader (监察法第四十二条): from
        # today his record shows the bar of 政务处分法第五十二条, and a move of him needs a leader's
        # confirmation. The assessing case above has none: open, but no bar.
        for subject in investigating.subjects.all():
            subject_file(
                case_id=investigating.pk,
                subject_id=subject.pk,
                filed_on=today,
                reason="经初步核实，反映其干预特种设备事故调查的问题基本属实，需要追究责任，批准立案调查。",
                acting_user=leader,
            )
            # 先期停职 by the authority that manages his post (县委组织部, 干部管理权限), ahead of the
            # findings: his record bars promotion while it lasts, and the decision must absorb or
            # lift it before it is delivered (docs/interim-measures.md).
            interim_record(
                case_id=investigating.pk,
                subject_id=subject.pk,
                kind="suspension",
                ordered_on=today,
                reason="涉嫌干预事故调查，继续履职可能妨碍调查，经县委研究先期停职。",
                acting_user=u["organization_leader"],
            )

        # inquiring
        inquiring = lead(
            "【演示】黄渠桥镇安全检查流于形式",
            "审计发现黄渠桥镇安全生产专项资金使用与检查记录不符。",
            u["audit_officer"],
            SourceKind.AUDIT,
            [c["pl-huangquqiao:township_deputy:0"]],
            circumstances=["26.1"],
        )
        step(inquiring, "inquire")

        # held
        held = lead(
            "【演示】反映教育体育局校舍安全隐患整改不力",
            "匿名反映校舍隐患整改不力，线索较笼统。",
            u["inspection_officer"],
            SourceKind.PETITION,
            [c["pl-education:industry_head:0"]],
        )
        step(held, "hold", reason="线索笼统，待年度巡察时一并核查。")

        # dismissed
        dismissed = lead(
            "【演示】反映农业农村局检查不到位（经核不实）",
            "反映农业农村局局长从未带队检查，经初核有检查记录。",
            u["audit_officer"],
            SourceKind.AUDIT,
            [c["pl-agriculture:industry_head:0"]],
            circumstances=["26.1"],
        )
        step(dismissed, "dismiss", user=leader, reason="经初步核实，反映问题不属实，予以了结。")

        # received, with a transfer to the organization department waiting
        transferred = lead(
            "【演示】财政局安全生产专项资金拨付迟缓",
            "审计发现安全生产专项资金拨付迟缓，属组织处理范围。",
            u["audit_officer"],
            SourceKind.AUDIT,
            [c["pl-finance:department_head:0"]],
            circumstances=["26.7"],
        )
        step(
            transferred,
            "transfer",
            to_department=d["pl-organization"].pk,
            reason="属组织处理事项，移送组织部门办理（第三十四条）。",
        )
        referral = transferred.referrals.get()
        referral_move(referral_id=referral.pk, move="acknowledge", acting_user=u["organization_officer"])

        # received, fresh
        lead(
            "【演示】园区管委会未按期组织安全形势分析",
            "安委会年度考核发现园区管委会上半年未组织安全生产形势分析。",
            u["emergency_officer"],
            SourceKind.SUPERVISION,
            [c["pl-park:park_director:0"]],
            circumstances=["26.1"],
        )
