"""The demo county's duty ledger and Chapter 4–5 records (PRODUCT §10, issue 6), for ``loaddemo``.

Everything goes through ``duties.services``, the same code path as the API: duty records with
their history and checked evidence, the 2025 assessment, a 约谈, the publication of results, an
award and a patrol of the current two-year round whose finding is handed over as a lead.

Deterministic: dates and notes are chosen by arithmetic on the position of the cadre, the
obligation and the block, never at random. Idempotent: everything is created in one transaction,
marked by the patrol's title; a second run finds the marker and changes nothing.

The ledger runs from 1 December 2025, about a year back, to today: every cadre does every block
of every duty of the posts held in the county that the ledger reaches (a standing duty, without a
frequency, once in each calendar year), except the deliberate gaps in ``GAPS``; a block not over yet may still be open (``pending``). Blocks that ended before
the ledger starts have no records (the 2025 results' compliance snapshots show them missed: the
county kept paper ledgers then). A cadre who left a post has records only while it was held; the
park deputy promoted to the city by the demo cases has none for the city post (the county does
not keep the city's ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from appraisal.models import Patrol
from appraisal.services.assessment import (
    assessment_record,
    interview_record,
    patrol_create,
    patrol_finding_add,
    patrol_finding_refer,
    publish,
)
from appraisal.services.rewards import award_grant
from core.persistence import local_today
from duties.codes import Organ, Period
from duties.models import DutyRecord, Obligation
from duties.selectors.periods import blocks_overlapping, clip, merge
from duties.services.ledger import organ_record_create, record_create
from org.codes import Role
from org.jurisdiction import unit_ids
from org.models import Post

ASSESSED_YEAR = 2025
LEDGER_START = dt.date(2025, 12, 1)
HORIZON = dt.date(9998, 12, 31)  # an open post's end, for interval arithmetic

PATROL_TITLE = "【演示】平罗县安委会2025—2026年度安全生产巡查"
DEMO_MARKER = PATROL_TITLE

# Deliberate gaps: cadre key → obligation code → first days of the blocks left undone. They fit
# the demo cases: the Baofeng deputy "2026年1—3月未带队检查" before the 3·15 poisoning, and the
# Baofeng head, whom the patrol finds behind; the transport safety deputy, whose "半年仅检查2次"
# goes on; Touzha before its 2026-06-30 illegal sand mining.
GAPS: dict[str, dict[str, list[dt.date]]] = {
    "pl-baofeng:township_head:0": {
        "6-3-township": [dt.date(2026, 1, 1), dt.date(2026, 3, 1)],
        "6-2-committee": [dt.date(2026, 1, 1)],
    },
    "pl-baofeng:township_deputy:0": {
        "9-4-township": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)],
    },
    "pl-transport:regulator_safety_deputy:0": {
        "10-3-inspection": [dt.date(2026, 2, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)],
        "10-3-research": [dt.date(2026, 5, 1)],
    },
    "pl-touzha:township_head:0": {
        "6-3-township": [dt.date(2026, 5, 1)],
    },
}

# Records that carry a small scanned-document stand-in: (cadre key, obligation code, block start) → file name.
EVIDENCE = {
    ("pl-chengguan:township_party_secretary:0", "5-3-township", dt.date(2026, 1, 1)): "城关镇安全生产检查记录表.pdf",
    ("pl-transport:regulator_head:0", "10-2-meeting", dt.date(2026, 7, 1)): "交通运输局安全生产工作会议纪要.pdf",
}

# --- notes ---------------------------------------------------------------------------------

PLACE = {"pl-park": "工业园区"}

TARGETS = {
    "pingluo": [
        "宝丰镇危化品企业",
        "工业园区冶炼企业",
        "城关镇人员密集场所",
        "头闸镇非法采砂整治点位",
        "G110线道路运输企业",
        "姚伏镇冶金企业",
    ],
    "pl-park": ["冶炼企业", "危化品储罐区", "有限空间作业企业", "企业动火作业现场"],
    "pl-chengguan": ["人员密集场所", "沿街商铺燃气使用", "建筑施工工地", "老旧小区消防通道"],
    "pl-huangquqiao": ["农资经营门店", "粮食仓储企业", "小微企业", "道路交通安全隐患点段"],
    "pl-baofeng": ["危化品企业", "化工企业", "涉氨制冷企业", "危化品运输车辆停车场"],
    "pl-touzha": ["非法采砂点位", "砂石料场", "农村自建房", "黄河沿线河道"],
    "pl-yaofu": ["冶金企业", "加油站", "烟花爆竹销售网点", "养殖场沼气设施"],
    "pl-emergency": ["危化品经营企业", "非煤矿山", "工贸企业粉尘涉爆场所", "烟花爆竹批发仓库"],
    "pl-housing": ["在建工地深基坑", "城镇燃气经营站点", "建筑起重机械", "老旧小区改造工地"],
    "pl-transport": ["道路运输企业", "汽车客运站", "危货运输企业", "在建公路工程"],
    "pl-market": ["电梯使用单位", "气瓶充装站", "锅炉使用单位", "压力管道使用单位"],
}

# By season (two months each), then two that fit any time of the year.
SEASONAL = [
    "春节和全国两会期间安全防范",
    "春季森林草原防火",
    "“安全生产月”活动",
    "汛期安全防范",
    "国庆节假日安全防范",
    "冬季火灾防控和燃气安全",
]
STANDING = ["危化品安全专项整治", "重大事故隐患排查整治"]
STUDIES = [
    "习近平总书记关于安全生产的重要论述",
    "《中华人民共和国安全生产法》",
    "《平罗县党政领导干部安全生产责任制实施细则》",
    "典型生产安全事故案例警示教育材料",
]
# A report or a check of the duty list comes at the end of its period.
LATE_IN_BLOCK = ("accountability_report", "list_check")
REGULATORS = ("pl-emergency", "pl-housing", "pl-transport", "pl-market")


def _topic(day: dt.date, seed: int) -> str:
    if seed % 3:
        return SEASONAL[(day.month - 1) // 2]
    return STANDING[seed % len(STANDING)]


def _where(org_code: str, org_name: str, seed: int) -> str:
    """A place to inspect or survey: a kind of site in the cadre's township, park or field."""
    targets = TARGETS.get(org_code, TARGETS["pingluo"])
    target = targets[seed % len(targets)]
    if org_code not in TARGETS or org_code == "pingluo":
        return target  # the county's sites name their township or park
    if org_code in REGULATORS:
        return f"全县{target}"
    return f"{PLACE.get(org_code) or org_name.removeprefix('平罗县')}{target}"


def _half(day: dt.date) -> str:
    return f"{day.year}年{'上' if day.month <= 6 else '下'}半年"


def note_for(activity: str, role: str, org_code: str, org_name: str, day: dt.date, seed: int) -> str:
    """A realistic note for an activity on ``day``, varied by ``seed``."""
    topic = _topic(day, seed)
    if activity == "inspection":
        return f"带队检查{_where(org_code, org_name, seed)}，现场督促整改隐患{2 + seed % 5}处"
    if activity == "survey":
        return f"赴{_where(org_code, org_name, seed)}调研安全生产工作"
    if activity == "research":
        if role == Role.COUNTY_PARTY_SECRETARY:
            return f"主持召开县委常委会会议研究安全生产工作，部署{topic}"
        if role == Role.PARK_PARTY_SECRETARY:
            return f"主持召开园区党工委会议研究部署安全生产工作，重点安排{topic}"
        if role == Role.TOWNSHIP_PARTY_SECRETARY:
            return f"主持召开镇党委会议研究部署安全生产工作，重点安排{topic}"
        if role == Role.DEPT_PARTY_SECRETARY:
            return f"主持召开局党组会议研究部署安全生产工作，重点安排{topic}"
        return f"组织召开局安全生产专题会议，研究部署{topic}"
    if activity == "study":
        body = (
            "局党组"
            if role == Role.DEPT_PARTY_SECRETARY
            else {"pingluo": "县委", "pl-park": "园区党工委"}.get(org_code, "镇党委")
        )
        return f"{body}理论学习中心组集体学习{STUDIES[seed % len(STUDIES)]}"
    if activity == "hear_report":
        if role == Role.INDUSTRY_HEAD:
            return f"听取本行业（领域）安全生产工作汇报，安排部署{topic}"
        return f"主持召开政府常务会议，听取安全生产工作情况汇报，研究部署{topic}"
    if activity == "committee_meeting":
        return f"主持召开安委会全体（扩大）会议，分析研判当前安全生产形势，部署{topic}"
    if activity == "list_check":
        return f"组织对{_half(day)}安全生产责任清单落实情况开展检查考核"
    if activity == "situation_analysis":
        return f"组织开展{_half(day)}安全生产形势分析，研判重点行业领域风险"
    if activity == "meeting":
        if seed % 2:
            return f"召开局长办公会研究部署安全生产工作，安排{topic}"
        return f"召开党组会议研究部署安全生产工作，安排{topic}"
    if activity == "accountability_report":
        if role in (Role.COUNTY_MAGISTRATE, Role.PARK_DIRECTOR):
            return f"向市政府述责，报告{day.year}年度安全生产履职情况"
        return f"向县政府分管领导述责，报告{day.year}年度安全生产履职情况"
    return "研究部署安全生产工作"


STANDING_WORK = [
    "专题会议研究落实",
    "印发工作方案并督促落实",
    "召开推进会部署落实",
    "听取专题汇报并提出要求",
]


def standing_note(obligation: Obligation, org_code: str, org_name: str, day: dt.date, seed: int) -> str:
    """A note for work done under a standing duty (no frequency): the duty in the seed's words,
    shortened, and how it was carried out."""
    words = obligation.text.split("，")[0]
    body = PLACE.get(org_code) or org_name
    return f"落实{obligation.citation}“{words}”：{body}{STANDING_WORK[seed % len(STANDING_WORK)]}（{day.year}年度）"


# --- evidence --------------------------------------------------------------------------------


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 770 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- the ledger ------------------------------------------------------------------------------


def _weekday(day: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    """Move a weekend day to the nearest weekday inside ``[lo, hi]`` when there is one."""
    for delta in (0, -1, 1, -2, 2):
        candidate = day + dt.timedelta(days=delta)
        if lo <= candidate <= hi and candidate.weekday() < 5:
            return candidate
    return day


def _dates(coverage: list[tuple[dt.date, dt.date]], count: int, seed: int, late: bool) -> Iterator[dt.date]:
    """``count`` dates spread over the covered days, one in each equal slice."""
    days = [lo + dt.timedelta(days=i) for lo, hi in coverage for i in range((hi - lo).days + 1)]
    size = len(days) // count
    for n in range(count):
        part = days[n * size : (n + 1) * size] if size else days
        if late:
            index = len(part) - 1 - (seed % min(len(part), 15))
        else:
            index = (seed * 37 + n * 11) % len(part)
        yield _weekday(part[index], part[0], part[-1])


@dataclass
class Summary:
    records: int = 0
    evidence: int = 0
    gaps: int = 0
    assessments_departments: int = 0
    assessments_cadres: int = 0
    interviews: int = 0
    publications: int = 0
    awards: int = 0
    patrols: int = 0
    organ_records: int = 0
    findings: int = 0
    leads: int = 0
    gap_cadres: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Duty records: {self.records} ({self.evidence} with an evidence file), {self.gaps} blocks left undone by "
            f"{len(self.gap_cadres)} cadres: {', '.join(self.gap_cadres)}",
            f"{ASSESSED_YEAR} assessment: {self.assessments_departments} departments, townships and the park; "
            f"{self.assessments_cadres} cadre results (with earlier years); {self.publications} publication; "
            f"{self.interviews} interview (约谈); {self.awards} award",
            f"Patrol: {self.patrols} round, {self.findings} findings, {self.leads} handed over as a lead",
            f"Organs (Art. 14, 16, 17): {self.organ_records} duty record(s) of the county safety committee",
        ]


def _ledger(world, summary: Summary, today: dt.date) -> None:
    d, u = world.departments, world.users
    county_ids = set(unit_ids(d["pingluo"]))
    org_codes = {dept.pk: code for code, dept in d.items()}
    # The Art. 14 patrol record is written by ``patrol_create``; every other duty is done here.
    obligations = list(Obligation.objects.exclude(activity="patrol").order_by("position", "id"))
    cadres = list(world.cadres.items())
    posts_by_cadre: dict[int, list[Post]] = {}
    for post in (
        Post.objects.filter(cadre_id__in=[c.pk for _k, c in cadres]).select_related("organization").order_by("start", "id")
    ):
        posts_by_cadre.setdefault(post.cadre_id, []).append(post)
    anchor = getattr(settings, "ZEREN_TWO_YEAR_ANCHOR", 2021)
    for cadre_index, (key, cadre) in enumerate(cadres):
        # Only posts in the county: the county keeps no ledger for a post in the city.
        posts = [p for p in posts_by_cadre.get(cadre.pk, []) if p.organization_id in county_ids]
        gaps = GAPS.get(key, {})
        for obligation in obligations:
            held_posts = [p for p in posts if p.role in obligation.roles]
            if not held_posts:
                continue
            held = clip(
                merge((p.start, p.end or HORIZON) for p in held_posts),
                max(LEDGER_START, obligation.valid_from),
                obligation.valid_to or HORIZON,
            )
            # The latest post held names the place in the notes.
            post = held_posts[-1]
            org_code = org_codes.get(post.organization_id, "")
            user = u["organization_officer"] if obligation.article == 5 else u["emergency_officer"]
            # A standing duty (no frequency) is done at least once in each calendar year.
            period = "year" if obligation.period == Period.STANDING else obligation.period
            blocks = blocks_overlapping(period, LEDGER_START, today, two_year_anchor=anchor)
            for block_index, (lo, hi) in enumerate(blocks):
                coverage = clip(held, lo, hi)
                if not coverage:
                    continue
                if lo in gaps.get(obligation.code, ()):
                    summary.gaps += 1
                    continue
                # Dates are spread over the whole block as held, not only up to today: a block
                # still running may be done already or still pending.
                seed = cadre_index * 31 + obligation.position * 17 + block_index * 7
                late = obligation.activity in LATE_IN_BLOCK
                for n, day in enumerate(_dates(coverage, obligation.min_count, seed, late)):
                    if day > today:
                        continue
                    files: tuple[SimpleUploadedFile, ...] = ()
                    name = EVIDENCE.get((key, obligation.code, lo)) if n == 0 else None
                    if name:
                        text = f"Zeren demo evidence: {obligation.code} {day.isoformat()}"
                        files = (SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf"),)
                    record_create(
                        acting_user=user,
                        cadre=cadre,
                        obligation=obligation,
                        date=day,
                        note=(
                            standing_note(obligation, org_code, post.organization.name, day, seed)
                            if obligation.period == Period.STANDING
                            else note_for(obligation.activity, post.role, org_code, post.organization.name, day, seed + n)
                        ),
                        files=files,
                    )
                    summary.records += 1
                    summary.evidence += len(files)
        if gaps:
            summary.gap_cadres.append(cadre.name)


# --- Chapter 4–5 -----------------------------------------------------------------------------

# code, grade, score, note — in rank order within each group (Art. 16).
TOWNSHIP_RESULTS = [
    ("pl-chengguan", "excellent", "96.50", ""),
    ("pl-huangquqiao", "excellent", "93.00", ""),
    ("pl-yaofu", "good", "88.50", ""),
    ("pl-park", "good", "85.00", ""),
    ("pl-touzha", "pass", "80.00", "非法采砂整治成效不明显"),
    ("pl-baofeng", "pass", "76.50", "危化品企业隐患整改督办不到位"),
]
DEPARTMENT_RESULTS = [
    ("pl-education", "excellent", "93.50", ""),
    ("pl-market", "good", "90.00", ""),
    ("pl-industry", "good", "88.00", ""),
    ("pl-agriculture", "good", "86.50", ""),
    ("pl-housing", "pass", "79.00", "建筑施工领域隐患整改不及时"),
    ("pl-transport", "fail", "61.00", "G110线“8·21”重大道路交通事故，道路运输企业安全监管不到位，实行一票否决"),
]
# cadre key → {year: grade}; the Chengguan head is excellent three years running (记功, Art. 25).
CADRE_RESULTS = {
    "pingluo:county_party_secretary:0": {2025: "excellent"},
    "pingluo:county_magistrate:0": {2025: "good"},
    "pingluo:county_safety_deputy:0": {2025: "excellent"},
    "pingluo:county_standing_member:0": {2025: "good"},
    "pingluo:county_standing_member:1": {2025: "good"},
    "pingluo:county_standing_member:2": {2025: "pass"},
    "pingluo:county_deputy:0": {2025: "good"},
    "pingluo:county_deputy:1": {2025: "pass"},
    "pingluo:county_deputy:2": {2025: "good"},
    "pl-chengguan:township_head:0": {2023: "excellent", 2024: "excellent", 2025: "excellent"},
    "pl-huangquqiao:township_head:0": {2024: "good", 2025: "excellent"},
    "pl-baofeng:township_head:0": {2025: "pass"},
    "pl-touzha:township_head:0": {2025: "pass"},
    "pl-yaofu:township_head:0": {2025: "good"},
}
# The snapshot of a 2025 result shows the blocks before the ledger started as missed.
PAPER_LEDGER_NOTE = "2025年1—11月履职情况以纸质台账为准（Zeren履职台账自2025年12月起录入）"
MERIT_CANDIDATE = "pl-chengguan:township_head:0"
COMMENDED = "pl-huangquqiao:township_head:0"
INTERVIEWED = "pl-transport:regulator_head:0"

PUBLISHED_ON = dt.date(2026, 2, 10)
INTERVIEW_ON = dt.date(2026, 2, 26)
AWARDED_ON = dt.date(2026, 3, 6)
PATROL_START, PATROL_END = dt.date(2026, 9, 7), dt.date(2026, 9, 30)


def _assessments(world, summary: Summary) -> None:
    d, u, c = world.departments, world.users, world.cadres
    emergency, organization = u["emergency_officer"], u["organization_officer"]
    rows = {}
    for group in (TOWNSHIP_RESULTS, DEPARTMENT_RESULTS):
        for rank, (code, grade, score, note) in enumerate(group, start=1):
            rows[code] = assessment_record(
                acting_user=emergency,
                year=ASSESSED_YEAR,
                grade=grade,
                department=d[code],
                score=Decimal(score),
                rank=rank,
                ranked_of=len(group),
                note=note,
            )
            summary.assessments_departments += 1
    for key, years in CADRE_RESULTS.items():
        for year, grade in sorted(years.items()):
            note = PAPER_LEDGER_NOTE if year == ASSESSED_YEAR else "履职台账启用前的年度，结果据年度考核档案补录"
            assessment_record(acting_user=organization, year=year, grade=grade, cadre=c[key], note=note)
            summary.assessments_cadres += 1
    publish(
        acting_user=emergency,
        year=ASSESSED_YEAR,
        published_on=PUBLISHED_ON,
        channel="县安委会文件通报（平安委〔2026〕2号），并在县政府门户网站公示",
    )
    summary.publications += 1
    interview_record(
        acting_user=emergency,
        held_on=INTERVIEW_ON,
        department=d["pl-transport"],
        cadre=c[INTERVIEWED],
        ground="assessment_last_failed",
        assessment=rows["pl-transport"],
        notes="县安委会主任约谈交通运输局局长：2025年度安全生产考核排名末位且不合格。要求30日内报送整改方案，"
        "健全道路运输企业“双随机”检查机制，分管副局长每月带队检查，整改情况于6月底前书面报告县安委会办公室。",
    )
    summary.interviews += 1
    award_grant(acting_user=u["organization_leader"], cadre=c[COMMENDED], year=ASSESSED_YEAR, granted_on=AWARDED_ON)
    summary.awards += 1


def _patrol(world, summary: Summary) -> None:
    d, u, c = world.departments, world.users, world.cadres
    emergency = u["emergency_officer"]
    patrol = patrol_create(
        acting_user=emergency,
        title=PATROL_TITLE,
        started_on=PATROL_START,
        ended_on=PATROL_END,
        led_by=c["pingluo:county_safety_deputy:0"],
        targets=[d["pl-baofeng"], d["pl-touzha"], d["pl-yaofu"], d["pl-park"]],
        summary="县安委会巡查组对宝丰镇、头闸镇、姚伏镇和工业园区管委会开展安全生产巡查，"
        "听取汇报、查阅台账、实地检查企业12家，发现问题2项。",
    )
    summary.patrols += 1
    referred = patrol_finding_add(
        acting_user=emergency,
        patrol=patrol,
        department=d["pl-baofeng"],
        text="“3·15”中毒事故后，辖区危化品企业隐患整改复查未闭环；镇长2026年1—4月无带队检查记录，"
        "未落实每两月至少带队检查1次的要求（细则第六条第（三）项）。",
        cadres=[c["pl-baofeng:township_head:0"]],
    )
    patrol_finding_add(
        acting_user=emergency,
        patrol=patrol,
        department=d["pl-touzha"],
        text="非法采砂点位巡查台账不全，3处废弃砂坑未设置警示标志和围挡。已责令限期整改。",
        cadres=[c["pl-touzha:township_deputy:0"]],
    )
    summary.findings += 2
    patrol_finding_refer(acting_user=emergency, finding_id=referred.pk, circumstances=["26.1"])
    summary.leads += 1


# The organs' records (issue 13): the county safety committee's yearly evaluation (第十六条) of
# 2025, published on PUBLISHED_ON, kept by its office. The 2025 round before the ledger started
# was on paper; the organs' 第十四条 and 第十七条 rows are in force from 2027.
ORGAN_RECORDS = [
    (
        "pingluo",
        Organ.COUNTY_SAFETY_COMMITTEE,
        "16",
        PUBLISHED_ON,
        "县安委会对各部门、乡镇（街道）、园区管委会2025年度安全生产工作情况进行全面评价，结果经县安委会审定后通报（平安委〔2026〕2号）",
    ),
]


def _organs(world, summary: Summary, today: dt.date) -> None:
    d, u = world.departments, world.users
    for unit_code, organ, code, day, note in ORGAN_RECORDS:
        if day > today:
            continue
        obligation = Obligation.objects.get(rulebook="pingluo-2021", code=code)
        assert organ in obligation.organs, code
        if DutyRecord.objects.filter(unit=d[unit_code], organ=organ, obligation=obligation, date=day).exists():
            continue
        organ_record_create(acting_user=u["emergency_officer"], unit=d[unit_code], obligation=obligation, date=day, note=note)
        summary.organ_records += 1


def build_duties_demo(world) -> Summary | None:
    """Build the demo's ledger, assessment and patrol once; ``None`` if they are already there.
    A ledger built before the organs' records (issue 13) gains those alone."""
    today = local_today()
    if Patrol.objects.filter(title=DEMO_MARKER).exists():
        summary = Summary()
        _organs(world, summary, today)
        return summary if summary.organ_records else None
    summary = Summary()
    with transaction.atomic():
        _ledger(world, summary, today)
        _assessments(world, summary)
        _patrol(world, summary)
        _organs(world, summary, today)
    return summary
