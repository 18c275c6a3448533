"""Seed a large PostgreSQL database for the benchmarks (BENCH.md W3–W5), with SQL only.

One database, ``zeren_bench_big``, is grown step by step: 10k → 100k → 1M cases, each with about
ten history rows (simple-history snapshots of the case, its subjects, its measures and its
assessment) and a typed event per transition, viewflow processes and tasks for the inbox and the
queue, measures, assessments, execution tasks and some referrals; plus 1M cadres with posts in
100 counties. After each step the database is copied (``CREATE DATABASE … TEMPLATE``) to
``zeren_bench_10k`` and ``zeren_bench_100k``, so ``bench/run.py`` measures the three sizes side
by side in one run, on the same machine, against the same floor.

The reference data (the demo county, users, policies) comes from the migrations and
``demo.world.build_world``; everything bulk is ``INSERT … SELECT`` over ``generate_series``, with
every "random" choice a hash of the row number, so a step gives the same rows whenever it runs.

How the data grows: the 100 counties are fixed, and each step adds *older*, finished cases (a
region's past years), so the open work (inbox, queue) stays what a year of cases leaves open while
every table behind it grows tenfold. A search needle, 鑫磊铸造, is planted in 12 recent cases of
the demo county (平罗县), so a rare-term search finds the same rows at every size.

Usage (PostgreSQL running; drops and recreates only the ``zeren_bench_*`` databases)::

    .venv/bin/python bench/seed.py --size 1m            # 10k, copy, 100k, copy, 1m (≈ 15 min)
    .venv/bin/python bench/seed.py --size 10k --reset   # only the small one, from scratch
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# BENCH_DB_PREFIX (default ``zeren_bench``) names the databases, so two sessions on one machine
# can seed side by side (e.g. ``zeren_bench_search`` → ``zeren_bench_search_big``).
PREFIX = os.environ.get("BENCH_DB_PREFIX", "zeren_bench")
SNAPSHOTS = {10_000: f"{PREFIX}_10k", 100_000: f"{PREFIX}_100k"}
BIG = f"{PREFIX}_big"
PROTECTED = {"zeren_ci", "zeren_dev", "zeren_multinode", "postgres", "template0", "template1"}
COUNTIES = 100
CADRES = 1_000_000
RECENT = 10_000  # the newest cases, the only ones that may still be open
NEEDLE = "鑫磊铸造"

# Tables that grow with the cases: their secondary indexes are dropped during a large step and
# rebuilt after it (one sorted build is much faster than a million index insertions).
BULK_TABLES = [
    "cases_case",
    "cases_casesubject",
    "cases_caseevent",
    "cases_historicalcase",
    "cases_historicalcasesubject",
    "cases_measuredecision",
    "cases_historicalmeasuredecision",
    "cases_assessment",
    "cases_historicalassessment",
    "cases_executiontask",
    "cases_referral",
    "viewflow_process",
    "viewflow_task",
]
CADRE_TABLES = ["cases_cadre", "cases_post"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def psql_admin(pg: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg + "/postgres", "-c", sql], check=True)


def database_exists(pg: str, name: str) -> bool:
    out = subprocess.run(
        ["psql", "-Atq", pg + "/postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "1"


def recreate(pg: str, name: str, template: str | None = None) -> None:
    assert name.startswith("zeren_bench") and name not in PROTECTED, name
    psql_admin(pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql_admin(pg, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))


# --- step 0: schema and reference data, through Django --------------------------------------------


def base(pg: str) -> None:
    """Migrate, build the demo county, and add the other 99 counties with their users (SQL)."""
    env = {**os.environ, "DATABASE_URL": f"{pg}/{BIG}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from demo.world import build_world\n"
        "build_world()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


# Place names of the synthetic counties and firms, so titles and facts read like real leads.
COUNTY_NAMES = (
    "永宁 贺兰 灵武 利通 红寺堡 盐池 同心 青铜峡 原州 西吉 隆德 泾源 彭阳 沙坡头 中宁 海原 大武口 金凤 兴庆 西夏 "
    "凉州 民勤 古浪 天祝 甘州 肃南 民乐 临泽 高台 山丹 肃州 金塔 瓜州 玉门 敦煌 崆峒 泾川 灵台 崇信 华亭 "
    "庄浪 静宁 西峰 庆城 环县 华池 合水 正宁 宁县 镇原 安定 通渭 陇西 渭源 临洮 漳县 岷县 武都 成县 文县 "
    "宕昌 康县 西和 礼县 徽县 两当 临夏 康乐 永靖 广河 和政 东乡 积石山 合作 临潭 卓尼 舟曲 迭部 玛曲 碌曲 "
    "夏河 白银 平川 靖远 会宁 景泰 秦州 麦积 清水 秦安 甘谷 武山 张家川 永登 皋兰 榆中 红古 永昌"
).split()
CITY_NAMES = ["银川市", "吴忠市", "固原市", "中卫市"]
UNIT_KINDS = [
    # suffix, name suffix, kind, level; the county itself is unit 0
    ("discipline", "纪委监委", "discipline", "department"),
    ("organization", "委组织部", "organization", "department"),
    ("emergency", "应急管理局", "emergency", "department"),
    ("audit", "审计局", "audit", "department"),
    ("inspection", "委巡察办", "inspection", "department"),
    ("housing", "住房和城乡建设局", "regulator", "department"),
    ("transport", "交通运输局", "regulator", "department"),
    ("industry", "工业信息化和商务局", "industry", "department"),
    ("t1", "城关镇", "township", "township"),
    ("t2", "东升镇", "township", "township"),
    ("t3", "新集乡", "township", "township"),
    ("t4", "河西镇", "township", "township"),
    ("park", "工业园区管委会", "park", "township"),
]


def county_name(c: int) -> str:
    name = COUNTY_NAMES[c - 2]
    return name if name.endswith("县") else name + ("县" if len(name) == 2 else "区")


def geography(cur) -> None:
    """``bench_county``: per county its discipline organ, organization department, units and users."""
    cur.execute("SELECT id, code FROM cases_department")
    dept = {code: pk for pk, code in cur.fetchall()}
    cur.execute("SELECT id, username FROM auth_user")
    users = {name: pk for pk, name in cur.fetchall()}
    for i, name in enumerate(CITY_NAMES):
        cur.execute(
            "INSERT INTO cases_department (code, name, kind, level, parent_id) VALUES (%s, %s, 'party_government', 'city', %s)"
            " ON CONFLICT (code) DO NOTHING",
            (f"bc{i}", name, dept["ningxia"]),
        )
    cur.execute("SELECT id, code FROM cases_department")
    dept = {code: pk for pk, code in cur.fetchall()}
    for c in range(2, COUNTIES):
        code = f"b{c:03d}"
        parent = dept[f"bc{c % len(CITY_NAMES)}"]
        name = county_name(c)
        cur.execute(
            "INSERT INTO cases_department (code, name, kind, level, parent_id) VALUES (%s, %s, 'party_government', 'county', %s)"
            " ON CONFLICT (code) DO NOTHING",
            (code, name, parent),
        )
        cur.execute("SELECT id FROM cases_department WHERE code = %s", (code,))
        county_id = cur.fetchone()[0]
        for suffix, label, kind, level in UNIT_KINDS:
            full = ("中共" + name + label) if label.startswith("委") else name + label
            cur.execute(
                "INSERT INTO cases_department (code, name, kind, level, parent_id) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (code) DO NOTHING",
                (f"{code}-{suffix}", full, kind, level, county_id),
            )
    cur.execute("SELECT id, code FROM cases_department")
    dept = {code: pk for pk, code in cur.fetchall()}

    # Users of the synthetic counties: two officers and a leader in the discipline organ, an
    # officer in the organization department. Unusable passwords: they only act in the data.
    for c in range(2, COUNTIES):
        for username, unit, rank in (
            (f"b{c:03d}_discipline_officer", "discipline", "officer"),
            (f"b{c:03d}_discipline_officer2", "discipline", "officer"),
            (f"b{c:03d}_discipline_leader", "discipline", "leader"),
            (f"b{c:03d}_organization_officer", "organization", "officer"),
        ):
            cur.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
                " date_joined) VALUES ('!', false, %s, '', '', '', false, true, now()) ON CONFLICT (username) DO NOTHING",
                (username,),
            )
            cur.execute(
                "INSERT INTO cases_membership (rank, department_id, user_id)"
                " SELECT %s, %s, id FROM auth_user WHERE username = %s ON CONFLICT (user_id) DO NOTHING",
                (rank, dept[f"b{c:03d}-{unit}"], username),
            )
    cur.execute("SELECT id, username FROM auth_user")
    users = {name: pk for pk, name in cur.fetchall()}

    # Huinong (the demo's neighbour) has one discipline user; give it a second officer and a leader.
    for username, rank in (("huinong_discipline_officer2", "officer"), ("huinong_discipline_leader", "leader")):
        cur.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
            " date_joined) VALUES ('!', false, %s, '', '', '', false, true, now()) ON CONFLICT (username) DO NOTHING",
            (username,),
        )
        cur.execute(
            "INSERT INTO cases_membership (rank, department_id, user_id)"
            " SELECT %s, %s, id FROM auth_user WHERE username = %s ON CONFLICT (user_id) DO NOTHING",
            (rank, dept["hn-discipline"], username),
        )
    cur.execute("SELECT id, username FROM auth_user")
    users = {name: pk for pk, name in cur.fetchall()}

    cur.execute(
        "CREATE TABLE IF NOT EXISTS bench_county (c int PRIMARY KEY, name text, county bigint, discipline bigint,"
        " organization bigint, units bigint[], unit_names text[], officers int[], leader int, org_officer int)"
    )
    cur.execute("TRUNCATE bench_county")
    pingluo_units = [
        "pl-party-office", "pl-gov-office", "pl-emergency", "pl-inspection", "pl-audit", "pl-enforcement",
        "pl-housing", "pl-transport", "pl-market", "pl-industry", "pl-agriculture", "pl-education",
        "pl-chengguan", "pl-huangquqiao", "pl-baofeng", "pl-touzha", "pl-yaofu", "pl-park",
    ]  # fmt: skip
    rows = [
        (0, "平罗县", dept["pingluo"], dept["pl-discipline"], dept["pl-organization"], [dept[u] for u in pingluo_units],
         ["头闸镇", "宝丰镇", "姚伏镇", "城关镇", "黄渠桥镇", "平罗工业园区"],
         [users["discipline_officer"], users["discipline_officer2"]], users["discipline_leader"], users["organization_officer"]),
        (1, "惠农区", dept["huinong"], dept["hn-discipline"], dept["hn-organization"],
         [dept["hn-emergency"], dept["hn-hongguozi"]], ["红果子镇", "河滨街道", "礼和乡"],
         [users["huinong_discipline_officer"], users["huinong_discipline_officer2"]], users["huinong_discipline_leader"],
         users["huinong_organization_officer"]),
    ]  # fmt: skip
    for c in range(2, COUNTIES):
        code = f"b{c:03d}"
        name = county_name(c)
        units = [dept[f"{code}-{s}"] for s, *_ in UNIT_KINDS if s not in ("discipline", "organization")]
        rows.append(
            (c, name, dept[code], dept[f"{code}-discipline"], dept[f"{code}-organization"], units,
             ["城关镇", "东升镇", "新集乡", "河西镇", "工业园区"],
             [users[f"{code}_discipline_officer"], users[f"{code}_discipline_officer2"]], users[f"{code}_discipline_leader"],
             users[f"{code}_organization_officer"])
        )  # fmt: skip
    cur.executemany("INSERT INTO bench_county VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)


# --- word lists for titles and facts ---------------------------------------------------------------

FIRMS = (
    "宏达 兴隆 华鑫 恒泰 瑞丰 鸿运 金源 天成 永盛 昌隆 汇通 盛达 德胜 富民 安泰 长城 新华 东方 西部 北方 "
    "宁丰 塞上 贺兰山 黄河 六盘 丝路 银峰 金岸 宝塔 红星 光明 振兴 联创 中泰 亿丰 恒通 嘉禾 鼎盛 晟达"
).split()
INDUSTRIES = "化工 冶炼 建材 煤业 物流 建筑 矿业 食品 纺织 机械 电力 燃气 硅业 钢铁 水泥 砖厂 洗煤 石化 运输 商贸".split()
ACCIDENTS = "中毒 爆炸 火灾 坍塌 高处坠落 机械伤害 触电 道路交通 淹溺 起重伤害 物体打击 车辆伤害 窒息 透水".split()
FINDINGS = [
    "分管负责人对隐患排查治理督促不力，重大隐患长期未整改",
    "属地乡镇未按规定开展安全生产检查，对企业违法生产行为失察",
    "监管部门执法检查流于形式，对停产整顿企业擅自复产未予制止",
    "企业主体责任落实不到位，安全培训记录弄虚作假",
    "行业主管部门未将该企业纳入年度监管计划，日常监管缺位",
    "有关负责人在事故发生后迟报事故信息，影响应急处置",
    "对上级交办的安全隐患督办事项推诿扯皮，整改未闭环",
    "安委会成员单位之间信息不通，联合执法机制未落实",
]
SUFFIXES = ["领导责任问题线索", "监管责任落实不到位问题", "履职不力问题线索", "安全生产责任追究线索", "有关责任人员问责线索"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_1 = "建志海晓红立玉国秀德春文宏丽永淑学俊明伟军华小家光兴振嘉雪慧静思子晨宇天浩鹏飞"
GIVEN_2 = "国强燕东梅新兰栋英胜生静伟华刚珍军芳杰明平辉勇峰磊涛洋波斌超宁霞丹琳萍娟敏婷"

# The path of transitions that leads to each final state (PRODUCT §1.6): (kind, to_state).
PATHS = {
    "received": [("lead", "received")],
    "inquiring": [("lead", "received"), ("inquire", "inquiring")],
    "held": [("lead", "received"), ("hold", "held")],
    "investigating": [("lead", "received"), ("accept", "investigating")],
    "assessing": [("lead", "received"), ("accept", "investigating"), ("submit_findings", "assessing")],
    "dismissed": [("lead", "received"), ("accept", "investigating"), ("dismiss", "dismissed")],
    "not_pursued": [
        ("lead", "received"),
        ("accept", "investigating"),
        ("submit_findings", "assessing"),
        ("conclude", "not_pursued"),
    ],
}
_LONG = [
    ("lead", "received"),
    ("accept", "investigating"),
    ("submit_findings", "assessing"),
    ("conclude", "proposing"),
    ("propose", "approving"),
    ("approve", "decided"),
    ("deliver", "executing"),
    ("close", "closed"),
]
for _n, _state in enumerate(["proposing", "approving", "decided", "executing", "closed"], start=4):
    PATHS[_state] = _LONG[:_n]
# The flow node each state waits in: cases/lifecycle/spec.py STAGES, restated because this
# script writes the rows in SQL without Django (executing waits in a branch; the seed uses one).
# workflows/tests/test_bench_seed_tables.py ties this table and PATHS to the lifecycle's.
STAGE = {
    "received": "intake",
    "inquiring": "inquiry",
    "held": "holding",
    "investigating": "investigation",
    "assessing": "assessment",
    "proposing": "proposal",
    "approving": "approval",
    "decided": "delivery",
    "executing": "archive_integrity",
}
# Final states by share (per mille) among the newest cases and among older ones (all finished).
RECENT_STATES = [
    ("received", 50), ("inquiring", 20), ("held", 20), ("investigating", 80), ("assessing", 30), ("proposing", 30),
    ("approving", 20), ("decided", 20), ("executing", 30), ("closed", 450), ("dismissed", 150), ("not_pursued", 100),
]  # fmt: skip
OLD_STATES = [("closed", 600), ("dismissed", 250), ("not_pursued", 150)]
MEASURES = ["notice", "admonishment", "sanction", "sanction", "admonishment", "reassignment", "suspension", "demotion"]
SANCTIONS = ["party_warning", "gov_warning", "party_serious_warning", "gov_demerit", "gov_major_demerit"]
ORG_MEASURES = ("admonishment", "reassignment", "suspension", "demotion", "dismissal", "ordered_resignation")


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def helpers(cur) -> None:
    """SQL helpers: ``bh(n, salt)`` a deterministic non-negative hash of a row number; the paths."""
    cur.execute(
        "CREATE OR REPLACE FUNCTION bh(n bigint, salt int) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS"
        " $$ SELECT (hashint8(n * 7919 + salt) & 2147483647)::bigint $$"
    )
    cur.execute("CREATE TABLE IF NOT EXISTS bench_path (state text, seq int, kind text, from_state text, to_state text)")
    cur.execute("TRUNCATE bench_path")
    rows = []
    for state, path in PATHS.items():
        before = ""
        for seq, (kind, to) in enumerate(path, start=1):
            rows.append((state, seq, kind, before, to))
            before = to
    cur.executemany("INSERT INTO bench_path VALUES (%s, %s, %s, %s, %s)", rows)
    cur.execute("CREATE TABLE IF NOT EXISTS bench_state (pool text, state text, lo int, hi int)")
    cur.execute("TRUNCATE bench_state")
    for pool, shares in (("recent", RECENT_STATES), ("old", OLD_STATES)):
        lo = 0
        for state, share in shares:
            cur.execute("INSERT INTO bench_state VALUES (%s, %s, %s, %s)", (pool, state, lo, lo + share))
            lo += share
        assert lo == 1000, pool
    cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value bigint)")


def meta(cur, key: str, default: int | None = None) -> int | None:
    cur.execute("SELECT value FROM bench_meta WHERE key = %s", (key,))
    row = cur.fetchone()
    return row[0] if row else default


def set_meta(cur, key: str, value: int) -> None:
    cur.execute("INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


# --- indexes off during a bulk step --------------------------------------------------------------


class IndexesOff:
    """Drop the secondary (non-constraint) indexes of ``tables`` and rebuild them on exit."""

    def __init__(self, conn, tables: list[str]):
        self.conn, self.tables, self.defs = conn, tables, []

    def __enter__(self):
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (self.tables,),
            )
            self.defs = cur.fetchall()
            for name, _definition in self.defs:
                cur.execute(f'DROP INDEX "{name}"')
        self.conn.commit()
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            self.conn.rollback()
        started = time.perf_counter()
        with self.conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("SET max_parallel_maintenance_workers = 2")
            for _name, definition in self.defs:
                cur.execute(definition)
        self.conn.commit()
        log(f"  rebuilt {len(self.defs)} indexes in {time.perf_counter() - started:.0f} s")
        return False


# --- cadres --------------------------------------------------------------------------------------


def seed_cadres(conn) -> None:
    """1M cadres, each with a current post in one of the units of county ``i % 100``."""
    with conn.cursor() as cur:
        if meta(cur, "cadre_offset") is not None:
            return
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_cadre")
        cadre_off = cur.fetchone()[0] + 1000
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_post")
        post_off = cur.fetchone()[0] + 1000
    log(f"cadres: {CADRES:,} with posts")
    started = time.perf_counter()
    with IndexesOff(conn, CADRE_TABLES), conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the load
        cur.execute(
            f"""
            INSERT INTO cases_cadre (id, name, status, retired_on, created_at)
            SELECT {cadre_off} + i,
                   substr('{SURNAMES}', 1 + (bh(i, 1) % {len(SURNAMES)})::int, 1)
                   || substr('{GIVEN_1}', 1 + (bh(i, 2) % {len(GIVEN_1)})::int, 1)
                   || CASE WHEN bh(i, 3) % 5 = 0 THEN '' ELSE substr('{GIVEN_2}', 1 + (bh(i, 4) % {len(GIVEN_2)})::int, 1) END,
                   CASE WHEN bh(i, 5) % 10 = 0 THEN 'retired' ELSE 'in_office' END,
                   CASE WHEN bh(i, 5) % 10 = 0 THEN date '2020-01-01' + (bh(i, 6) % 2000)::int END,
                   timestamptz '2015-01-01 08:00+08' + (bh(i, 7) % 3650) * interval '1 day'
            FROM generate_series(0, {CADRES - 1}) i
            """
        )
        cur.execute(
            f"""
            INSERT INTO cases_post (id, role, title, start, "end", move_kind, cadre_id, managing_authority_id, organization_id)
            SELECT {post_off} + i,
                   (ARRAY['township_head','township_deputy','township_party_secretary','regulator_head',
                          'regulator_safety_deputy','regulator_deputy','industry_head','department_head'])[1 + (bh(i, 8) % 8)::int],
                   (ARRAY['镇长','副镇长','镇党委书记','局长','副局长（分管安全生产）','副局长','局长','副主任'])[1 + (bh(i, 8) % 8)::int],
                   date '2012-01-01' + (bh(i, 9) % 4000)::int,
                   NULL, 'appointment', {cadre_off} + i, b.organization,
                   b.units[1 + (bh(i, 10) % array_length(b.units, 1))::int]
            FROM generate_series(0, {CADRES - 1}) i JOIN bench_county b ON b.c = i % {COUNTIES}
            """
        )
        cur.execute("SET session_replication_role = origin")
        set_meta(cur, "cadre_offset", cadre_off)
        set_meta(cur, "post_offset", post_off)
        conn.commit()
    log(f"  cadres and posts loaded in {time.perf_counter() - started:.0f} s")


# --- cases ---------------------------------------------------------------------------------------


def stage_cases(cur, lo: int, hi: int, offsets: dict[str, int], ct_case: int) -> None:
    """``bench_stage``: one row per case k in [lo, hi] with every choice made (k = 1 is the newest)."""
    firms, industries, accidents = sql_array(FIRMS), sql_array(INDUSTRIES), sql_array(ACCIDENTS)
    findings, suffixes = sql_array(FINDINGS), sql_array(SUFFIXES)
    cur.execute("DROP TABLE IF EXISTS bench_stage")
    cur.execute(
        f"""
        CREATE UNLOGGED TABLE bench_stage AS
        WITH base AS (
            SELECT k, CASE WHEN k % 800 = 7 AND k <= {RECENT} THEN 0 ELSE bh(k, 11) % {COUNTIES} END AS c,
                   -- newest 10k: the last year; then years 1–4 back; then 4–12 back
                   now() - CASE WHEN k <= {RECENT} THEN (k::float / {RECENT}) * interval '365 days'
                                WHEN k <= 100000 THEN interval '365 days' + ((k - {RECENT})::float / 90000) * interval '1095 days'
                                ELSE interval '1460 days' + ((k - 100000)::float / 900000) * interval '2920 days' END
                         - (bh(k, 12) % 3600) * interval '1 second' AS created_at,
                   CASE WHEN k <= {RECENT} THEN 'recent' ELSE 'old' END AS pool,
                   bh(k, 13) % 1000 AS pick
            FROM generate_series({lo}, {hi}) k
        )
        SELECT b.k, {offsets["case"]} + b.k AS id, b.c, b.created_at, s.state,
               (SELECT count(*) FROM bench_path p WHERE p.state = s.state)::int AS steps,
               bc.discipline AS owner, bc.organization AS org, bc.officers[1 + (bh(b.k, 14) % 2)::int] AS officer,
               bc.leader, bc.org_officer,
               CASE WHEN bh(b.k, 15) % 4 = 0 THEN bc.discipline ELSE bc.units[1 + (bh(b.k, 16) % array_length(bc.units, 1))::int] END
                   AS source,
               (ARRAY['inspection','audit','law_enforcement','accident_investigation','petition','supervision','other'])[1 + (bh(b.k, 17) % 7)::int]
                   AS source_kind,
               'ZR-' || extract(year FROM b.created_at AT TIME ZONE 'Asia/Shanghai')::int || '-' || lpad(b.k::text, 7, '0') AS number,
               CASE WHEN b.k % 800 = 7 AND b.k <= {RECENT} THEN '{NEEDLE}有限公司'
                    ELSE ({firms})[1 + (bh(b.k, 18) % {len(FIRMS)})::int] || ({industries})[1 + (bh(b.k, 19) % {len(INDUSTRIES)})::int]
                         || '有限公司' END AS firm,
               bc.unit_names[1 + (bh(b.k, 20) % array_length(bc.unit_names, 1))::int] AS place,
               ({accidents})[1 + (bh(b.k, 21) % {len(ACCIDENTS)})::int] AS accident,
               bc.name AS county_name,
               ({findings})[1 + (bh(b.k, 22) % {len(FINDINGS)})::int] AS finding,
               ({suffixes})[1 + (bh(b.k, 23) % {len(SUFFIXES)})::int] AS suffix,
               1 + (bh(b.k, 24) % 3 = 0)::int AS n_subjects,
               bh(b.k, 25) % 10000 AS cadre_pick,
               bh(b.k, 26) AS h
        FROM base b
        JOIN bench_state s ON s.pool = b.pool AND b.pick >= s.lo AND b.pick < s.hi
        JOIN bench_county bc ON bc.c = b.c
        """
    )
    cur.execute("ALTER TABLE bench_stage ADD PRIMARY KEY (k)")
    cur.execute("ANALYZE bench_stage")
    # One row per event with its time: spread the path between creation and now, at most 9 days apart.
    cur.execute("DROP TABLE IF EXISTS bench_ev")
    cur.execute(
        """
        CREATE UNLOGGED TABLE bench_ev AS
        SELECT s.k, s.id, p.seq, p.kind, p.from_state, p.to_state,
               s.created_at + (p.seq - 1) * least(interval '9 days', (now() - s.created_at) / (s.steps + 1)) AS at,
               CASE WHEN p.kind IN ('dismiss', 'approve', 'reject') THEN s.leader ELSE s.officer END AS actor
        FROM bench_stage s JOIN bench_path p ON p.state = s.state
        """
    )
    cur.execute("CREATE INDEX ON bench_ev (k, kind)")
    cur.execute("ANALYZE bench_ev")


def load_cases(cur, offsets: dict[str, int], ct_case: int) -> None:
    """Insert every table's rows for the staged cases."""
    o = offsets
    title = "s.county_name || s.place || s.firm || '“' || (extract(month FROM s.created_at)::int) || '·' || (extract(day FROM s.created_at)::int) || '”' || s.accident || '事故' || s.suffix"
    facts = (
        "'经查，' || to_char(s.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY年MM月DD日') || '，' || s.place || s.firm || '发生'"
        " || s.accident || '事故，造成' || (s.h % 4) || '人死亡、' || (s.h % 7) || '人受伤，直接经济损失约' || (50 + s.h % 900) || '万元。'"
        " || s.finding || '。线索由' || s.county_name || '有关部门移交。'"
    )
    cur.execute(
        f"""
        INSERT INTO cases_case (id, number, title, facts, source_kind, circumstances, state, decided_on, delivered_on, closed_at,
                                created_at, updated_at, accident_id, approved_by_id, created_by_id, proposed_by_id,
                                owner_department_id, source_department_id, version)
        SELECT s.id, s.number, {title}, {facts}, s.source_kind,
               CASE WHEN s.h % 3 = 0 THEN '["26.5"]'::jsonb WHEN s.h % 3 = 1 THEN '["26.1"]'::jsonb ELSE '[]'::jsonb END,
               s.state, (SELECT e.at::date FROM bench_ev e WHERE e.k = s.k AND e.kind = 'approve'),
               (SELECT e.at::date FROM bench_ev e WHERE e.k = s.k AND e.kind = 'deliver'),
               CASE WHEN s.state IN ('closed', 'dismissed', 'not_pursued')
                    THEN (SELECT max(e.at) FROM bench_ev e WHERE e.k = s.k) END,
               s.created_at, (SELECT max(e.at) FROM bench_ev e WHERE e.k = s.k), NULL,
               CASE WHEN s.state IN ('decided', 'executing', 'closed') THEN s.leader END, s.officer,
               CASE WHEN s.state IN ('approving', 'decided', 'executing', 'closed') THEN s.officer END,
               s.owner, s.source, s.steps
        FROM bench_stage s
        """
    )
    # Snapshots of the case after each event (simple-history), then the events themselves.
    cur.execute(
        """
        INSERT INTO cases_historicalcase (id, number, title, facts, source_kind, circumstances, state, decided_on, delivered_on,
                                          closed_at, created_at, history_date, history_change_reason, history_type,
                                          accident_id, approved_by_id, created_by_id, history_user_id, owner_department_id,
                                          proposed_by_id, source_department_id, version)
        SELECT c.id, c.number, c.title, c.facts, c.source_kind, c.circumstances, e.to_state,
               CASE WHEN e.to_state IN ('decided', 'executing', 'closed') THEN c.decided_on END,
               CASE WHEN e.to_state IN ('executing', 'closed') THEN c.delivered_on END,
               CASE WHEN e.to_state IN ('closed', 'dismissed', 'not_pursued') THEN e.at END,
               c.created_at, e.at, e.kind, CASE WHEN e.seq = 1 THEN '+' ELSE '~' END, NULL,
               CASE WHEN e.to_state IN ('decided', 'executing', 'closed') THEN c.approved_by_id END,
               c.created_by_id, e.actor, c.owner_department_id,
               CASE WHEN e.to_state IN ('approving', 'decided', 'executing', 'closed') THEN c.proposed_by_id END,
               c.source_department_id, e.seq
        FROM bench_ev e JOIN cases_case c ON c.id = e.id
        ORDER BY e.at
        """
    )
    cur.execute(
        """
        INSERT INTO cases_caseevent (seq, kind, from_state, to_state, reason, payload, created_at, prev_hash, hash,
                                     dispatched_at, actor_id, case_id)
        SELECT e.seq, e.kind, e.from_state, e.to_state, CASE WHEN e.kind = 'dismiss' THEN '线索反映问题不实' ELSE '' END,
               '{}'::jsonb, e.at,
               CASE WHEN e.seq = 1 THEN '' ELSE md5(e.id || ':' || (e.seq - 1)) || md5((e.seq - 1) || ':' || e.id) END,
               md5(e.id || ':' || e.seq) || md5(e.seq || ':' || e.id), e.at, e.actor, e.id
        FROM bench_ev e ORDER BY e.at
        """
    )
    # Subjects: one or two cadres of the county (cadre i is in county i % 100).
    cur.execute("DROP TABLE IF EXISTS bench_subj")
    cur.execute(
        f"""
        CREATE UNLOGGED TABLE bench_subj AS
        SELECT s.k, s.id AS case_id, s.state, s.created_at, s.officer, s.leader, s.owner, s.org, j,
               {o["subject"]} + 2 * s.k + j AS id,
               s.c + {COUNTIES} * ((s.cadre_pick + j * (1 + s.h % 9999)) % 10000) AS cadre_i,
               bh(s.k * 2 + j, 27) AS h
        FROM bench_stage s, generate_series(0, 1) j WHERE j < s.n_subjects
        """
    )
    cur.execute(
        f"""
        INSERT INTO cases_casesubject (id, cadre_id, case_id, post_id)
        SELECT b.id, {o["cadre"]} + b.cadre_i, b.case_id, {o["post"]} + b.cadre_i FROM bench_subj b
        """
    )
    cur.execute(
        f"""
        INSERT INTO cases_historicalcasesubject (id, history_date, history_change_reason, history_type, cadre_id, case_id,
                                                 history_user_id, post_id)
        SELECT b.id, b.created_at, 'lead', '+', {o["cadre"]} + b.cadre_i, b.case_id, b.officer, {o["post"]} + b.cadre_i
        FROM bench_subj b ORDER BY b.created_at
        """
    )
    # A conclusion per subject once concluded; a decided measure per subject once approved.
    cur.execute(
        f"""
        INSERT INTO cases_assessment (id, kind, input, output, policy_version, created_at, created_by_id, subject_id)
        SELECT {o["assessment"]} + b.id - {o["subject"]}, 'conclusion', '{{"data": {{}}, "policy": {{"version": "bench"}}}}'::jsonb,
               jsonb_build_object('accountable', b.state <> 'not_pursued', 'outcome', CASE WHEN b.state = 'not_pursued'
                   THEN 'not_pursued' ELSE 'accountable' END, 'policy_version', 'bench',
                   'veto', jsonb_build_object('applies', b.state <> 'not_pursued' AND b.h % 20 = 0),
                   'lifelong', jsonb_build_object('applies', false),
                   'allowed_measures', '["notice","admonishment","sanction"]'::jsonb),
               'bench', e.at, b.officer, b.id
        FROM bench_subj b JOIN bench_ev e ON e.k = b.k AND e.kind = 'conclude'
        """
    )
    cur.execute(
        f"""
        INSERT INTO cases_historicalassessment (id, kind, input, output, policy_version, created_at, history_date,
                                                history_change_reason, history_type, created_by_id, history_user_id, subject_id)
        SELECT a.id, a.kind, a.input, a.output, a.policy_version, a.created_at, a.created_at, 'conclude', '+',
               a.created_by_id, a.created_by_id, a.subject_id
        FROM cases_assessment a WHERE a.id >= {o["assessment"]} + {o["lo_subject"]} ORDER BY a.created_at
        """
    )
    measure = f"({sql_array(MEASURES)})[1 + (b.h % {len(MEASURES)})::int]"
    cur.execute(
        f"""
        INSERT INTO cases_measuredecision (id, measure, sanction_kind, state, proposed_at, decided_on, proposed_by_id, subject_id)
        SELECT {o["measure"]} + b.id - {o["subject"]}, {measure},
               CASE WHEN {measure} = 'sanction' THEN ({sql_array(SANCTIONS)})[1 + (b.h / 7 % {len(SANCTIONS)})::int] ELSE '' END,
               'decided', p.at, a.at::date, b.officer, b.id
        FROM bench_subj b JOIN bench_ev p ON p.k = b.k AND p.kind = 'propose' JOIN bench_ev a ON a.k = b.k AND a.kind = 'approve'
        """
    )
    cur.execute(
        f"""
        INSERT INTO cases_historicalmeasuredecision (id, measure, sanction_kind, state, proposed_at, decided_on, history_date,
                                                     history_change_reason, history_type, history_user_id, proposed_by_id, subject_id)
        SELECT m.id, m.measure, m.sanction_kind, v.state, m.proposed_at, CASE WHEN v.state = 'decided' THEN m.decided_on END,
               CASE WHEN v.state = 'decided' THEN e.at ELSE m.proposed_at END, v.reason, v.type,
               CASE WHEN v.state = 'decided' THEN b.leader ELSE b.officer END, m.proposed_by_id, m.subject_id
        FROM cases_measuredecision m
        JOIN bench_subj b ON b.id = m.subject_id
        JOIN bench_ev e ON e.k = b.k AND e.kind = 'approve'
        CROSS JOIN (VALUES ('proposed', 'propose', '+'), ('decided', 'approve', '~')) v(state, reason, type)
        WHERE m.id >= {o["measure"]} + {o["lo_subject"]}
        ORDER BY 7
        """
    )
    # Execution of each decided measure once delivered (done when the case is closed).
    cur.execute(
        f"""
        INSERT INTO cases_executiontask (id, kind, archive, state, due_on, completed_at, note, case_id, completed_by_id,
                                         department_id, subject_id, measure_id)
        SELECT {o["execution"]} + b.id - {o["subject"]}, 'measure', '', CASE WHEN b.state = 'closed' THEN 'done' ELSE 'open' END,
               e.at::date + 30, CASE WHEN b.state = 'closed' THEN e.at + interval '20 days' END, '', b.case_id,
               CASE WHEN b.state = 'closed' THEN b.officer END,
               CASE WHEN m.measure IN {ORG_MEASURES} THEN b.org ELSE b.owner END, b.id, m.id
        FROM bench_subj b JOIN bench_ev e ON e.k = b.k AND e.kind = 'deliver'
        JOIN cases_measuredecision m ON m.id = {o["measure"]} + b.id - {o["subject"]}
        """
    )
    # 3 % of the leads came from a neighbouring county's discipline organ (Art. 34 transfers, accepted).
    cur.execute(
        f"""
        INSERT INTO cases_referral (kind, crime, state, reason, return_reason, materials, acknowledge_by, created_at, handled_at,
                                    case_id, created_by_id, from_department_id, handled_by_id, to_department_id)
        SELECT 'transfer', '', 'accepted', '属地管辖，移送处理', '', '[]'::jsonb, s.created_at + interval '3 days',
               s.created_at - interval '2 days', s.created_at, s.id, NULL, n.discipline, s.officer, s.owner
        FROM bench_stage s JOIN bench_county n ON n.c = (s.c + 1) % {COUNTIES}
        WHERE s.h % 100 < 3
        """
    )
    # viewflow: one process per case; a start task, the open (or last) stage, and the end.
    cur.execute(
        f"""
        INSERT INTO viewflow_process (id, flow_class, status, created, finished, artifact_content_type_id, artifact_object_id, data)
        SELECT {o["process"]} + s.k, 'workflows/flows.CaseFlow',
               CASE WHEN s.state IN ('closed', 'dismissed', 'not_pursued') THEN 'DONE' ELSE 'NEW' END,
               s.created_at, CASE WHEN s.state IN ('closed', 'dismissed', 'not_pursued') THEN c.closed_at END,
               {ct_case}, s.id, jsonb_build_object('case', s.id, 'number', s.number)
        FROM bench_stage s JOIN cases_case c ON c.id = s.id
        """
    )
    stage_map = " ".join(f"WHEN '{state}' THEN '{node}'" for state, node in STAGE.items())
    cur.execute(
        f"""
        INSERT INTO viewflow_task (id, flow_task, flow_task_type, status, created, started, finished, token, owner_id,
                                   process_id, assigned, data)
        SELECT {o["task"]} + 3 * s.k + t.j,
               'workflows/flows.CaseFlow.' || CASE t.j WHEN 0 THEN 'start' WHEN 2 THEN 'end'
                   ELSE CASE s.state {stage_map} WHEN 'closed' THEN 'closing' ELSE 'investigation' END END,
               CASE t.j WHEN 0 THEN 'START' WHEN 2 THEN 'END' ELSE 'HUMAN' END,
               CASE WHEN t.j = 1 AND s.state NOT IN ('closed', 'dismissed', 'not_pursued')
                    THEN CASE WHEN s.h % 5 < 2 THEN 'ASSIGNED' ELSE 'NEW' END ELSE 'DONE' END,
               CASE t.j WHEN 0 THEN s.created_at WHEN 2 THEN c.closed_at ELSE c.updated_at END,
               CASE t.j WHEN 0 THEN s.created_at WHEN 2 THEN c.closed_at END,
               CASE WHEN t.j = 0 THEN s.created_at WHEN s.state IN ('closed', 'dismissed', 'not_pursued') THEN c.closed_at END,
               'start',
               CASE WHEN t.j = 1 AND (s.state IN ('closed', 'dismissed', 'not_pursued') OR s.h % 5 < 2)
                    THEN CASE WHEN s.state = 'approving' THEN s.leader ELSE s.officer END END,
               {o["process"]} + s.k,
               CASE WHEN t.j = 1 AND (s.state IN ('closed', 'dismissed', 'not_pursued') OR s.h % 5 < 2) THEN c.updated_at END,
               CASE WHEN t.j = 1 THEN jsonb_build_object('case', s.id,
                   'rank', CASE WHEN s.state = 'approving' THEN 'leader' ELSE 'officer' END, 'department', s.owner)
                   ELSE '{{}}'::jsonb END
        FROM bench_stage s JOIN cases_case c ON c.id = s.id
        CROSS JOIN generate_series(0, 2) t(j)
        WHERE t.j < 2 OR s.state IN ('closed', 'dismissed', 'not_pursued')
        """
    )


def grow(conn, target: int) -> None:
    with conn.cursor() as cur:
        seeded = meta(cur, "cases", 0)
        if seeded >= target:
            log(f"cases: already {seeded:,}")
            return
        if seeded == 0:
            offsets = {}
            for key, table in (
                ("case", "cases_case"),
                ("subject", "cases_casesubject"),
                ("assessment", "cases_assessment"),
                ("measure", "cases_measuredecision"),
                ("execution", "cases_executiontask"),
                ("process", "viewflow_process"),
                ("task", "viewflow_task"),
            ):
                cur.execute(f"SELECT coalesce(max(id), 0) + 1000 FROM {table}")
                offsets[key] = cur.fetchone()[0]
                set_meta(cur, f"{key}_offset", offsets[key])
            conn.commit()
        offsets = {
            key: meta(cur, f"{key}_offset")
            for key in ("case", "subject", "assessment", "measure", "execution", "process", "task")
        }
        offsets["cadre"], offsets["post"] = meta(cur, "cadre_offset"), meta(cur, "post_offset")
        offsets["lo_subject"] = 2 * (seeded + 1)
        cur.execute("SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'case'")
        ct_case = cur.fetchone()[0]
    lo, hi = seeded + 1, target
    log(f"cases {lo:,} … {hi:,}")
    started = time.perf_counter()
    bulk = hi - lo + 1 > 50_000
    context = IndexesOff(conn, BULK_TABLES) if bulk else None
    if context:
        context.__enter__()
    try:
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET work_mem = '256MB'")
            t0 = time.perf_counter()
            stage_cases(cur, lo, hi, offsets, ct_case)
            log(f"  staged in {time.perf_counter() - t0:.0f} s")
            t0 = time.perf_counter()
            load_cases(cur, offsets, ct_case)
            log(f"  loaded in {time.perf_counter() - t0:.0f} s")
            for table in ("bench_stage", "bench_ev", "bench_subj"):
                cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute("SET session_replication_role = origin")
            set_meta(cur, "cases", hi)
        conn.commit()
    finally:
        if context:
            context.__exit__(None, None, None)
    with conn.cursor() as cur:
        # Identity sequences past the explicit ids, so the services can add rows afterwards.
        for table in [*BULK_TABLES, *CADRE_TABLES, "cases_historicalcase"]:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")
        for table in (
            "cases_historicalcase",
            "cases_historicalcasesubject",
            "cases_historicalassessment",
            "cases_historicalmeasuredecision",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'history_id'), (SELECT coalesce(max(history_id), 1) FROM {table}))"
            )
    conn.commit()
    log(f"  step done in {time.perf_counter() - started:.0f} s")


def search_documents(pg: str, conn) -> None:
    """The cases' search documents (issue 16, ``cases.search``), for the cases the step added:
    written by the application's code (the text is defined once), the GIN index off meanwhile."""
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(case_id), 0) + 1 FROM cases_casesearch")
        start = cur.fetchone()[0]
    conn.commit()
    env = {**os.environ, "DATABASE_URL": f"{pg}/{BIG}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    with IndexesOff(conn, ["cases_casesearch"]):
        subprocess.run([sys.executable, "manage.py", "case_search_rebuild", "--start", str(start)], cwd=ROOT, env=env, check=True)
    log(f"  search documents in {time.perf_counter() - started:.0f} s")


def vacuum(conn) -> None:
    started = time.perf_counter()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    conn.autocommit = False
    log(f"  vacuum analyze in {time.perf_counter() - started:.0f} s")


def sizes(conn) -> dict:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY relname",
            ([*BULK_TABLES, *CADRE_TABLES, "cases_historicalcase"],),
        )
        rows = dict(cur.fetchall())
        cur.execute("SELECT pg_database_size(current_database())")
        rows["database_bytes"] = cur.fetchone()[0]
    history = sum(v for k, v in rows.items() if k.startswith("cases_historical"))
    rows["history_rows"] = history
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="1m")
    parser.add_argument("--reset", action="store_true", help="drop the zeren_bench_* databases and start over")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    import psycopg

    report: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "steps": []}
    t_all = time.perf_counter()
    if args.reset or not database_exists(args.pg, BIG):
        log(f"creating {BIG}: migrate and reference data")
        t0 = time.perf_counter()
        recreate(args.pg, BIG)
        base(args.pg)
        with psycopg.connect(f"{args.pg}/{BIG}") as conn:
            with conn.cursor() as cur:
                helpers(cur)
                geography(cur)
            conn.commit()
        report["steps"].append({"step": "schema and reference data", "seconds": round(time.perf_counter() - t0, 1)})
    with psycopg.connect(f"{args.pg}/{BIG}") as conn:
        with conn.cursor() as cur:
            helpers(cur)
        conn.commit()
        t0 = time.perf_counter()
        seed_cadres(conn)
        report["steps"].append({"step": "1M cadres with posts", "seconds": round(time.perf_counter() - t0, 1)})
        for target in sorted(SIZES.values()):
            if target > SIZES[args.size]:
                break
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                already = meta(cur, "cases", 0) >= target
            grow(conn, target)
            if not already:
                search_documents(args.pg, conn)
            if not already:
                vacuum(conn)
            step = {"step": f"{target:,} cases", "seconds": round(time.perf_counter() - t0, 1), "sizes": sizes(conn)}
            if target in SNAPSHOTS and (not already or not database_exists(args.pg, SNAPSHOTS[target])):
                conn.close()
                t1 = time.perf_counter()
                recreate(args.pg, SNAPSHOTS[target], template=BIG)
                step["snapshot"] = {"database": SNAPSHOTS[target], "seconds": round(time.perf_counter() - t1, 1)}
                log(f"  copied to {SNAPSHOTS[target]} in {time.perf_counter() - t1:.0f} s")
                conn = psycopg.connect(f"{args.pg}/{BIG}")
            report["steps"].append(step)
            log(f"  {json.dumps(step['sizes'])}")
        conn.close()
    report["seconds"] = round(time.perf_counter() - t_all, 1)
    out = ROOT / "bench" / "results" / f"seed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    log(f"done in {report['seconds']:.0f} s; written to {out}")


if __name__ == "__main__":
    main()
