"""The demo county's reference data (PRODUCT §10), shared by ``loaddemo`` and the tests.

Every builder matches rows by natural key and creates only what is missing, so it can run any
number of times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Accident
from cases.rules.grading import grade_accident
from org.codes import DepartmentKind, Rank, Role
from org.models import Cadre, Department, Membership, Post
from rulebooks.content import bundled
from rulebooks.models import Rulebook
from rulebooks.services import load_rulebook

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
    # Where a suspected crime that is not a 职务违法犯罪 goes (issue 14, docs/referrals.md).
    ("pl-public-security", "平罗县公安局", K.PUBLIC_SECURITY, L.DEPARTMENT, "pingluo"),
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

# A neighbouring county under the same city: one deployment serves both (issue 7, jurisdictions).
# Its people see nothing of Pingluo's and Pingluo's see nothing of theirs.
NEIGHBOUR_DEPARTMENTS = [
    ("huinong", "惠农区", K.PARTY_GOVERNMENT, L.COUNTY, "shizuishan"),
    ("hn-discipline", "惠农区纪委监委", K.DISCIPLINE, L.DEPARTMENT, "huinong"),
    ("hn-organization", "中共惠农区委组织部", K.ORGANIZATION, L.DEPARTMENT, "huinong"),
    ("hn-emergency", "惠农区应急管理局", K.EMERGENCY, L.DEPARTMENT, "huinong"),
    ("hn-hongguozi", "红果子镇", K.TOWNSHIP, L.TOWNSHIP, "huinong"),
]
NEIGHBOUR_USERS = [
    ("huinong_discipline_officer", "hn-discipline", Rank.OFFICER, "惠农 纪检承办人"),
    ("huinong_organization_officer", "hn-organization", Rank.OFFICER, "惠农 组织承办人"),
    ("huinong_emergency_officer", "hn-emergency", Rank.OFFICER, "惠农 应急承办人"),
]
NEIGHBOUR_POSTS = [
    (Role.TOWNSHIP_HEAD, "hn-hongguozi", "镇长", "白振华"),
    (Role.TOWNSHIP_DEPUTY, "hn-hongguozi", "副镇长", "崔文涛"),
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
ADMIN_USERNAME = "admin"


def demo_usernames() -> list[str]:
    """Every user the demo creates (``build_world``): the banners of ``loaddemo`` and
    ``scripts/run`` (``manage.py demousers``) read it here, so they cannot fall behind."""
    return [row[0] for row in USERS] + [row[0] for row in NEIGHBOUR_USERS] + [ADMIN_USERNAME]


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = [
    "建国",
    "志强",
    "海燕",
    "晓东",
    "红梅",
    "立新",
    "玉兰",
    "国栋",
    "秀英",
    "德胜",
    "春生",
    "文静",
    "宏伟",
    "丽华",
    "永刚",
    "淑珍",
    "建军",
    "桂芳",
    "学军",
    "俊杰",
]

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
    (Role.REGULATOR_DEPUTY, "pl-transport", "副局长", 2),
    (Role.INDUSTRY_HEAD, "pl-industry", "局长", 1),
    (Role.INDUSTRY_HEAD, "pl-agriculture", "局长", 1),
    (Role.INDUSTRY_HEAD, "pl-education", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-finance", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-finance", "副局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-party-office", "主任", 1),
    (Role.DEPARTMENT_HEAD, "pl-gov-office", "主任", 1),
    (Role.DEPARTMENT_HEAD, "pl-market", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-enforcement", "局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-industry", "副局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-agriculture", "副局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-education", "副局长", 1),
    (Role.DEPARTMENT_HEAD, "pl-enforcement", "副局长", 1),
    # Last, so that the names drawn for the posts above stay as they were (issue 13): the housing
    # bureau's Party group secretary, held apart from its director (第五条（二）（九）).
    (Role.DEPT_PARTY_SECRETARY, "pl-housing", "局党组书记", 1),
]

COUNTY_LEADER_ROLES = {
    Role.COUNTY_PARTY_SECRETARY,
    Role.COUNTY_MAGISTRATE,
    Role.COUNTY_SAFETY_DEPUTY,
    Role.COUNTY_STANDING_MEMBER,
    Role.COUNTY_DEPUTY,
}

DEMO_MARKER_TITLE = "【演示】宝丰镇某化工企业“3·15”中毒事故领导责任"


# --- reference data -------------------------------------------------------------------------


def _departments() -> dict[str, Department]:
    result: dict[str, Department] = {}
    for code, name, kind, level, parent in DEPARTMENTS:
        dept, _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": level, "parent": result.get(parent) if parent else None}
        )
        result[code] = dept
    return result


def _users(departments):
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
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User(username=ADMIN_USERNAME, is_staff=True, is_superuser=True, email="admin@zeren.invalid")
        admin.set_password(password)
        admin.save()
    users[ADMIN_USERNAME] = admin
    # Organization and discipline users may use the admin to view records.
    for name in ("discipline_leader", "organization_leader"):
        if not users[name].is_staff:
            users[name].is_staff = True
            users[name].save(update_fields=["is_staff"])
    return users


def _cadres(departments, users) -> dict[str, Cadre]:
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
                cadre._history_user = users["organization_officer"]  # type: ignore[attr-defined]  # simple-history's per-save attribute
                cadre.save()
                managing = departments["szs-organization" if role in COUNTY_LEADER_ROLES else "pl-organization"]
                post = Post(
                    cadre=cadre,
                    organization=departments[org_code],
                    role=role,
                    title=title,
                    start=since + dt.timedelta(days=index * 3),
                    managing_authority=managing,
                )
                post._history_user = users["organization_officer"]  # type: ignore[attr-defined]  # simple-history's per-save attribute
                post.save()
            result[key] = cadre
    return result


def _accidents(departments, users) -> dict[str, Accident]:
    tz = timezone.get_current_timezone()
    specs = [
        (
            "baofeng",
            "宝丰镇某化工企业“3·15”中毒事故",
            dt.datetime(2026, 3, 15, 9, 20, tzinfo=tz),
            "pl-baofeng",
            1,
            3,
            Decimal("1800000"),
            70,
        ),
        (
            "park",
            "工业园区某冶炼企业“5·8”爆炸事故",
            dt.datetime(2026, 5, 8, 14, 5, tzinfo=tz),
            "pl-park",
            4,
            6,
            Decimal("12500000"),
            190,
        ),
        (
            "road",
            "G110线平罗段“8·21”道路交通事故",
            dt.datetime(2025, 8, 21, 22, 40, tzinfo=tz),
            "pl-transport",
            11,
            8,
            Decimal("3000000"),
            50,
        ),
    ]
    result = {}
    for key, title, occurred, loc, deaths, injuries, loss, report_minutes in specs:
        accident = Accident.objects.filter(title=title).first()
        if accident is None:
            accident = Accident(
                title=title,
                occurred_at=occurred,
                location=departments[loc],
                deaths=deaths,
                serious_injuries=injuries,
                direct_loss_yuan=loss,
                unit_reported_at=occurred + dt.timedelta(minutes=report_minutes),
                created_by=users["emergency_officer"],
                grade=grade_accident(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss),
            )
            accident._history_user = users["emergency_officer"]  # type: ignore[attr-defined]  # simple-history's per-save attribute
            accident.save()
        result[key] = accident
    return result


def _neighbour(departments, users) -> dict[str, Cadre]:
    """The neighbouring county's units, users and two cadres (keys ``hn-hongguozi:<role>``), and
    its rulebook: its own code, inheriting the national rules until its own text is loaded."""
    User = get_user_model()
    # Parents first; the national and county rulebooks are seeded by migration, and loaded here
    # only where a test emptied the tables (loading an unchanged file makes no version).
    for data in bundled():
        if data["code"] == "huinong" or not Rulebook.objects.filter(code=data["code"]).exists():
            load_rulebook(data, acting_user=None, reason=f"演示数据：{data['title']}")
    for code, name, kind, level, parent in NEIGHBOUR_DEPARTMENTS:
        departments[code], _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": level, "parent": departments[parent]}
        )
    for username, dept_code, rank, display in NEIGHBOUR_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=display, email=f"{username}@zeren.invalid")
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, defaults={"department": departments[dept_code], "rank": rank})
        users[username] = user
    cadres = {}
    for role, org_code, title, name in NEIGHBOUR_POSTS:
        cadre = Cadre.objects.filter(posts__organization=departments[org_code], posts__role=role, name=name).first()
        if cadre is None:
            cadre = Cadre(name=name)
            cadre._history_user = users["huinong_organization_officer"]  # type: ignore[attr-defined]  # simple-history's per-save attribute
            cadre.save()
            post = Post(
                cadre=cadre,
                organization=departments[org_code],
                role=role,
                title=title,
                start=dt.date(2022, 3, 1),
                managing_authority=departments["hn-organization"],
            )
            post._history_user = users["huinong_organization_officer"]  # type: ignore[attr-defined]  # simple-history's per-save attribute
            post.save()
        cadres[f"{org_code}:{role}"] = cadre
    return cadres


@dataclass
class World:
    departments: dict[str, Department]
    users: dict
    cadres: dict[str, Cadre]
    accidents: dict[str, Accident]
    neighbour_cadres: dict[str, Cadre] = field(default_factory=dict)


@transaction.atomic
def build_world() -> World:
    departments = _departments()
    users = _users(departments)
    cadres, accidents = _cadres(departments, users), _accidents(departments, users)
    return World(departments, users, cadres, accidents, _neighbour(departments, users))
