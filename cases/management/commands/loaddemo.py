"""Build the demo county of PRODUCT §10, idempotently.

Reference data (departments, users, cadres, accidents) is matched by natural keys and created
only when missing. The demo cases are driven through the real services, the same code path as
the API, so they carry complete events and history; they are created once, marked by the first
demo case's title, and a second run leaves everything as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.codes import DepartmentKind, Rank, Role, SourceKind
from cases.models import Accident, Cadre, Case, Department, Membership, Post
from cases.rules.grading import grade_accident
from cases.services.appeals import appeal_file
from cases.services.common import local_today
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.services.referrals import referral_move

L = Department.Level
K = DepartmentKind

# code, name, kind, level, parent code
DEPARTMENTS = [
    ("ningxia", "宁夏回族自治区", K.PARTY_GOVERNMENT, L.REGION, None),
    ("shizuishan", "石嘴山市", K.PARTY_GOVERNMENT, L.CITY, "ningxia"),
    ("szs-discipline", "石嘴山市纪委监委", K.DISCIPLINE, L.DEPARTMENT, "shizuishan"),
    ("szs-organization", "中共石嘴山市委组织部", K.ORGANIZATION, L.DEPARTMENT, "shizuishan"),
    ("szs-emergency", "石嘴山市应急管理局", K.EMERGENCY, L.DEPARTMENT, "shizuishan"),
    ("pingluo", "平罗县", K.PARTY_GOVERNMENT, L.COUNTY, "shizuishan"),
    ("pl-party-office", "中共平罗县委办公室", K.PARTY_GOVERNMENT, L.DEPARTMENT, "pingluo"),
    ("pl-gov-office", "平罗县人民政府办公室", K.PARTY_GOVERNMENT, L.DEPARTMENT, "pingluo"),
    ("pl-discipline", "平罗县纪委监委", K.DISCIPLINE, L.DEPARTMENT, "pingluo"),
    ("pl-organization", "中共平罗县委组织部", K.ORGANIZATION, L.DEPARTMENT, "pingluo"),
    ("pl-emergency", "平罗县应急管理局（县安委会办公室）", K.EMERGENCY, L.DEPARTMENT, "pingluo"),
    ("pl-inspection", "中共平罗县委巡察工作领导小组办公室", K.INSPECTION, L.DEPARTMENT, "pingluo"),
    ("pl-audit", "平罗县审计局", K.AUDIT, L.DEPARTMENT, "pingluo"),
    ("pl-enforcement", "平罗县综合执法局", K.LAW_ENFORCEMENT, L.DEPARTMENT, "pingluo"),
    ("pl-housing", "平罗县住房和城乡建设局", K.REGULATOR, L.DEPARTMENT, "pingluo"),
    ("pl-transport", "平罗县交通运输局", K.REGULATOR, L.DEPARTMENT, "pingluo"),
    ("pl-market", "平罗县市场监督管理局", K.REGULATOR, L.DEPARTMENT, "pingluo"),
    ("pl-industry", "平罗县工业信息化和商务局", K.INDUSTRY, L.DEPARTMENT, "pingluo"),
    ("pl-agriculture", "平罗县农业农村局", K.INDUSTRY, L.DEPARTMENT, "pingluo"),
    ("pl-education", "平罗县教育体育局", K.INDUSTRY, L.DEPARTMENT, "pingluo"),
    ("pl-finance", "平罗县财政局", K.PARTY_GOVERNMENT, L.DEPARTMENT, "pingluo"),
    ("pl-chengguan", "城关镇", K.TOWNSHIP, L.TOWNSHIP, "pingluo"),
    ("pl-huangquqiao", "黄渠桥镇", K.TOWNSHIP, L.TOWNSHIP, "pingluo"),
    ("pl-baofeng", "宝丰镇", K.TOWNSHIP, L.TOWNSHIP, "pingluo"),
    ("pl-touzha", "头闸镇", K.TOWNSHIP, L.TOWNSHIP, "pingluo"),
    ("pl-yaofu", "姚伏镇", K.TOWNSHIP, L.TOWNSHIP, "pingluo"),
    ("pl-park", "平罗工业园区管委会", K.PARK, L.TOWNSHIP, "pingluo"),
]

# username, department code, rank, display name
USERS = [
    ("discipline_officer", "pl-discipline", Rank.OFFICER, "纪检 承办人"),
    ("discipline_officer2", "pl-discipline", Rank.OFFICER, "纪检 承办人二"),
    ("discipline_leader", "pl-discipline", Rank.LEADER, "纪检 负责人"),
    ("discipline_leader2", "pl-discipline", Rank.LEADER, "纪检 副负责人"),
    ("organization_officer", "pl-organization", Rank.OFFICER, "组织 承办人"),
    ("organization_leader", "pl-organization", Rank.LEADER, "组织 负责人"),
    ("emergency_officer", "pl-emergency", Rank.OFFICER, "应急 承办人"),
    ("audit_officer", "pl-audit", Rank.OFFICER, "审计 承办人"),
    ("inspection_officer", "pl-inspection", Rank.OFFICER, "巡察 承办人"),
    ("city_discipline_officer", "szs-discipline", Rank.OFFICER, "市纪委 承办人"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = ["建国", "志强", "海燕", "晓东", "红梅", "立新", "玉兰", "国栋", "秀英", "德胜", "春生", "文静", "宏伟", "丽华", "永刚", "淑珍", "建军", "桂芳", "学军", "俊杰"]

# role, organization code, title, count
POSTS = [
    (Role.COUNTY_PARTY_SECRETARY, "pingluo", "县委书记", 1),
    (Role.COUNTY_MAGISTRATE, "pingluo", "县长", 1),
    (Role.COUNTY_SAFETY_DEPUTY, "pingluo", "县委常委、常务副县长（分管安全生产）", 1),
    (Role.COUNTY_STANDING_MEMBER, "pingluo", "县委常委", 3),
    (Role.COUNTY_DEPUTY, "pingluo", "副县长", 3),
    (Role.PARK_PARTY_SECRETARY, "pl-park", "园区党工委书记", 1),
    (Role.PARK_DIRECTOR, "pl-park", "园区管委会主任", 1),
    (Role.PARK_DEPUTY, "pl-park", "园区管委会副主任", 2),
    (Role.TOWNSHIP_PARTY_SECRETARY, "pl-chengguan", "镇党委书记", 1),
    (Role.TOWNSHIP_PARTY_SECRETARY, "pl-huangquqiao", "镇党委书记", 1),
    (Role.TOWNSHIP_PARTY_SECRETARY, "pl-baofeng", "镇党委书记", 1),
    (Role.TOWNSHIP_PARTY_SECRETARY, "pl-touzha", "镇党委书记", 1),
    (Role.TOWNSHIP_PARTY_SECRETARY, "pl-yaofu", "镇党委书记", 1),
    (Role.TOWNSHIP_HEAD, "pl-chengguan", "镇长", 1),
    (Role.TOWNSHIP_HEAD, "pl-huangquqiao", "镇长", 1),
    (Role.TOWNSHIP_HEAD, "pl-baofeng", "镇长", 1),
    (Role.TOWNSHIP_HEAD, "pl-touzha", "镇长", 1),
    (Role.TOWNSHIP_HEAD, "pl-yaofu", "镇长", 1),
    (Role.TOWNSHIP_DEPUTY, "pl-chengguan", "副镇长", 2),
    (Role.TOWNSHIP_DEPUTY, "pl-huangquqiao", "副镇长", 2),
    (Role.TOWNSHIP_DEPUTY, "pl-baofeng", "副镇长", 2),
    (Role.TOWNSHIP_DEPUTY, "pl-touzha", "副镇长", 2),
    (Role.TOWNSHIP_DEPUTY, "pl-yaofu", "副镇长", 2),
    (Role.REGULATOR_HEAD, "pl-emergency", "局长", 1),
    (Role.REGULATOR_HEAD, "pl-housing", "局长", 1),
    (Role.REGULATOR_HEAD, "pl-transport", "局长", 1),
    (Role.REGULATOR_SAFETY_DEPUTY, "pl-emergency", "副局长（分管安全生产）", 1),
    (Role.REGULATOR_SAFETY_DEPUTY, "pl-housing", "副局长（分管安全生产）", 1),
    (Role.REGULATOR_SAFETY_DEPUTY, "pl-transport", "副局长（分管安全生产）", 1),
    (Role.REGULATOR_DEPUTY, "pl-emergency", "副局长", 2),
    (Role.REGULATOR_DEPUTY, "pl-housing", "副局长", 2),
    (Role.REGULATOR_DEPUTY, "pl-market", "副局长", 2),
    (Role.INDUSTRY_HEAD, "pl-industry", "局长", 1),
    (Role.INDUSTRY_HEAD, "pl-agriculture", "局长", 1),
    (Role.INDUSTRY_HEAD, "pl-education", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-finance", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-finance", "副局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-party-office", "主任", 1),
    (Role.DEPARTMENT_HEAD, "pl-gov-office", "主任", 1),
    (Role.DEPARTMENT_HEAD, "pl-market", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-enforcement", "局长", 1),
]

COUNTY_LEADER_ROLES = {
    Role.COUNTY_PARTY_SECRETARY,
    Role.COUNTY_MAGISTRATE,
    Role.COUNTY_SAFETY_DEPUTY,
    Role.COUNTY_STANDING_MEMBER,
    Role.COUNTY_DEPUTY,
}

DEMO_MARKER_TITLE = "【演示】宝丰镇某化工企业“3·15”中毒事故领导责任"


class Command(BaseCommand):
    help = "Load the demo county (idempotent): departments, users, about 60 cadres, accidents and cases in every state."

    def handle(self, *args, **options):
        with transaction.atomic():
            departments = self._departments()
            users = self._users(departments)
            cadres = self._cadres(departments, users)
            accidents = self._accidents(departments, users)
        if Case.objects.filter(title=DEMO_MARKER_TITLE).exists():
            self.stdout.write("Demo cases already present; nothing changed.")
        else:
            with transaction.atomic():
                self._cases(departments, users, cadres, accidents)
            self.stdout.write(self.style.SUCCESS(f"Demo cases created: {Case.objects.count()} cases."))
        self.stdout.write(
            f"Demo users (password from DEMO_PASSWORD, default 'zeren-demo'): {', '.join(u[0] for u in USERS)}, admin"
        )

    # --- reference data -------------------------------------------------------------------------

    def _departments(self) -> dict[str, Department]:
        result: dict[str, Department] = {}
        for code, name, kind, level, parent in DEPARTMENTS:
            dept, _created = Department.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "level": level, "parent": result.get(parent)}
            )
            result[code] = dept
        return result

    def _users(self, departments):
        User = get_user_model()
        password = settings.DEMO_PASSWORD
        users = {}
        for username, dept_code, rank, display in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=display, email=f"{username}@zeren.invalid")
                user.set_password(password)
                user.save()
            Membership.objects.get_or_create(user=user, defaults={"department": departments[dept_code], "rank": rank})
            users[username] = user
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User(username="admin", is_staff=True, is_superuser=True, email="admin@zeren.invalid")
            admin.set_password(password)
            admin.save()
        users["admin"] = admin
        # Organization and discipline users may use the admin to view records.
        for name in ("discipline_leader", "organization_leader"):
            if not users[name].is_staff:
                users[name].is_staff = True
                users[name].save(update_fields=["is_staff"])
        return users

    def _cadres(self, departments, users) -> dict[str, Cadre]:
        result: dict[str, Cadre] = {}
        index = 0
        since = dt.date(2021, 1, 4)
        for role, org_code, title, count in POSTS:
            for _n in range(count):
                name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
                index += 1
                key = f"{org_code}:{role}:{_n}"
                cadre = Cadre.objects.filter(posts__organization=departments[org_code], posts__role=role, name=name).first()
                if cadre is None:
                    cadre = Cadre(name=name)
                    cadre._history_user = users["organization_officer"]
                    cadre.save()
                    managing = departments["szs-organization" if role in COUNTY_LEADER_ROLES else "pl-organization"]
                    post = Post(
                        cadre=cadre, organization=departments[org_code], role=role, title=title,
                        start=since + dt.timedelta(days=index * 3), managing_authority=managing,
                    )
                    post._history_user = users["organization_officer"]
                    post.save()
                result[key] = cadre
        return result

    def _accidents(self, departments, users) -> dict[str, Accident]:
        tz = timezone.get_current_timezone()
        specs = [
            ("baofeng", "宝丰镇某化工企业“3·15”中毒事故", dt.datetime(2026, 3, 15, 9, 20, tzinfo=tz), "pl-baofeng", 1, 3, Decimal("1800000"), 70),
            ("park", "工业园区某冶炼企业“5·8”爆炸事故", dt.datetime(2026, 5, 8, 14, 5, tzinfo=tz), "pl-park", 4, 6, Decimal("12500000"), 190),
            ("road", "G110线平罗段“8·21”道路交通事故", dt.datetime(2025, 8, 21, 22, 40, tzinfo=tz), "pl-transport", 11, 8, Decimal("3000000"), 50),
        ]
        result = {}
        for key, title, occurred, loc, deaths, injuries, loss, report_minutes in specs:
            accident = Accident.objects.filter(title=title).first()
            if accident is None:
                accident = Accident(
                    title=title, occurred_at=occurred, location=departments[loc], deaths=deaths,
                    serious_injuries=injuries, direct_loss_yuan=loss,
                    unit_reported_at=occurred + dt.timedelta(minutes=report_minutes), created_by=users["emergency_officer"],
                    grade=grade_accident(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss),
                )
                accident._history_user = users["emergency_officer"]
                accident.save()
            result[key] = accident
        return result

    # --- cases, driven through the services -----------------------------------------------------

    def _cases(self, d, u, c, a):
        officer, leader = u["discipline_officer"], u["discipline_leader"]
        team = {"team": ["discipline_officer", "discipline_officer2"]}
        today = local_today()

        def lead(title, facts, source_user, kind, subjects, accident=None, circumstances=None, target=None):
            return lead_create(
                acting_user=source_user, title=title, facts=facts, source_kind=kind, subjects=subjects,
                accident=accident, circumstances=circumstances or [], target_department=target,
            )

        def step(case, name, user=officer, **payload):
            return case_transition(case_id=case.pk, name=name, payload=payload, acting_user=user)

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
            "circumstances": ["26.5"], "conduct_date": "2026-03-15",
            "post_duties": "分管辖区安全生产，每月至少带队检查1次（细则第九条第（四）项）。",
            "performance": "2026年1—3月未带队检查该企业所在片区。",
            "conditions": "辖区企业多、监管人员不足。",
            "evidence": "事故调查报告；检查记录台账。",
        }

        # closed: the full path, with executions done.
        closed = lead(DEMO_MARKER_TITLE, "宝丰镇某化工企业发生中毒事故，造成1人死亡、3人重伤。事故调查报告认定分管副镇长负有领导责任。",
                      u["emergency_officer"], SourceKind.ACCIDENT_INVESTIGATION, [c["pl-baofeng:township_deputy:0"]],
                      accident=a["baofeng"], circumstances=["26.5"])
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
        executing = lead("【演示】园区“5·8”爆炸事故中园区管委会领导责任", "工业园区某冶炼企业发生爆炸，造成4人死亡。园区分管领导对隐患整改督办不力。",
                         u["emergency_officer"], SourceKind.ACCIDENT_INVESTIGATION, [c["pl-park:park_deputy:0"]],
                         accident=a["park"], circumstances=["26.5"])
        step(executing, "accept", **team)
        findings(executing, **{**accident_facts, "aggravating": ["29.2"], "conduct_date": "2026-05-08"})
        step(executing, "submit_findings")
        step(executing, "conclude")
        step(executing, "propose", measures=measures_for(executing, "demotion") + measures_for(executing, "sanction", "gov_major_demerit"))
        step(executing, "approve", user=leader)
        step(executing, "deliver", delivered_on=today.isoformat())
        appeal_file(case_id=executing.pk, subject_id=executing.subjects.first().pk, filed_on=today,
                    grounds="认为事故系企业违法生产所致，本人已多次督办。", acting_user=officer)

        # decided
        decided = lead("【演示】交通局对道路运输企业监管不到位", "G110线交通事故暴露出道路运输企业安全监管不到位。",
                       u["audit_officer"], SourceKind.AUDIT, [c["pl-transport:regulator_safety_deputy:0"]],
                       accident=a["road"], circumstances=["26.1"])
        step(decided, "accept", **team)
        findings(decided, circumstances=["26.1"], conduct_date="2025-08-21", mitigating=True,
                 post_duties="每月至少带队检查1次（第十条第（三）项）", performance="半年仅检查2次")
        step(decided, "submit_findings")
        step(decided, "conclude")
        step(decided, "propose", measures=measures_for(decided, "notice"))
        step(decided, "approve", user=leader)

        # approving
        approving = lead("【演示】头闸镇对非法采砂打非治违不力", "头闸镇辖区连续发生两起非法采砂塌方事故。",
                         u["inspection_officer"], SourceKind.INSPECTION, [c["pl-touzha:township_head:0"]], circumstances=["26.6"])
        step(approving, "accept", **team)
        findings(approving, circumstances=["26.6"], conduct_date="2026-06-30")
        step(approving, "submit_findings")
        step(approving, "conclude")
        step(approving, "propose", measures=measures_for(approving, "reassignment"))

        # proposing (after a rejection)
        proposing = lead("【演示】住建局分管领导为违规企业说情", "巡察发现住建局分管领导为违规施工企业说情。",
                         u["inspection_officer"], SourceKind.INSPECTION, [c["pl-housing:regulator_safety_deputy:0"]], circumstances=["26.3"])
        step(proposing, "accept", **team)
        findings(proposing, circumstances=["26.3"], conduct_date="2026-04-10")
        step(proposing, "submit_findings")
        step(proposing, "conclude")
        step(proposing, "propose", measures=measures_for(proposing, "admonishment"))
        step(proposing, "reject", user=leader, reason="情节较重，诫勉偏轻，请重新研究。")

        # not_pursued (Art. 31 exemption)
        exempt = lead("【演示】城关镇小型火灾事故责任核查", "城关镇一商铺火灾，造成1人重伤。经查镇领导已全面履职。",
                      u["emergency_officer"], SourceKind.ACCIDENT_INVESTIGATION, [c["pl-chengguan:township_party_secretary:0"]],
                      circumstances=["26.5"])
        step(exempt, "accept", **team)
        findings(exempt, circumstances=["26.5"], conduct_date="2026-02-02", duties_fully_performed=True,
                 evidence="2025年度检查台账齐全；安委会会议纪要。")
        step(exempt, "submit_findings")
        step(exempt, "conclude")

        # assessing
        assessing = lead("【演示】姚伏镇瞒报一起工亡事故", "姚伏镇一企业发生工亡事故，镇分管领导知情未报。",
                         u["emergency_officer"], SourceKind.ACCIDENT_INVESTIGATION, [c["pl-yaofu:township_deputy:0"]], circumstances=["26.4"])
        step(assessing, "accept", **team)
        findings(assessing, circumstances=["26.4"], conduct_date="2026-07-12")
        step(assessing, "submit_findings")

        # investigating
        investigating = lead("【演示】市场监管局阻挠特种设备事故调查", "群众举报市场监管局副局长干预特种设备事故调查。",
                             u["discipline_officer"], SourceKind.PETITION, [c["pl-market:regulator_deputy:0"]], circumstances=["26.2"])
        step(investigating, "accept", **team)

        # inquiring
        inquiring = lead("【演示】黄渠桥镇安全检查流于形式", "审计发现黄渠桥镇安全生产专项资金使用与检查记录不符。",
                         u["audit_officer"], SourceKind.AUDIT, [c["pl-huangquqiao:township_deputy:0"]], circumstances=["26.1"])
        step(inquiring, "inquire")

        # held
        held = lead("【演示】反映教育体育局校舍安全隐患整改不力", "匿名反映校舍隐患整改不力，线索较笼统。",
                    u["inspection_officer"], SourceKind.PETITION, [c["pl-education:industry_head:0"]])
        step(held, "hold", reason="线索笼统，待年度巡察时一并核查。")

        # dismissed
        dismissed = lead("【演示】反映农业农村局检查不到位（经核不实）", "反映农业农村局局长从未带队检查，经初核有检查记录。",
                         u["audit_officer"], SourceKind.AUDIT, [c["pl-agriculture:industry_head:0"]], circumstances=["26.1"])
        step(dismissed, "dismiss", user=leader, reason="经初步核实，反映问题不属实，予以了结。")

        # received, with a transfer to the organization department waiting
        transferred = lead("【演示】财政局安全生产专项资金拨付迟缓", "审计发现安全生产专项资金拨付迟缓，属组织处理范围。",
                           u["audit_officer"], SourceKind.AUDIT, [c["pl-finance:department_head:0"]], circumstances=["26.7"])
        step(transferred, "transfer", to_department=d["pl-organization"].pk, reason="属组织处理事项，移送组织部门办理（第三十四条）。")
        referral = transferred.referrals.get()
        referral_move(referral_id=referral.pk, move="acknowledge", acting_user=u["organization_officer"])

        # received, fresh
        lead("【演示】园区管委会未按期组织安全形势分析", "安委会年度考核发现园区管委会上半年未组织安全生产形势分析。",
             u["emergency_officer"], SourceKind.SUPERVISION, [c["pl-park:park_director:0"]], circumstances=["26.1"])
