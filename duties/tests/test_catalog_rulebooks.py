"""Each rulebook has its own catalog (issue 13, docs/duties.md "Whose catalog"): a post is measured
against the catalog of the rulebook in force for its department on the day, falling back up the
rulebook's ancestry; where no rulebook of the ancestry has one, the post is not measured and the
compliance says "no catalog loaded for <rulebook>" — never "fully met".

The rules as pure tables (``compute``, ``rulebooks.selectors.spans``/``lineage``), then on the
demo county: a Pingluo cadre against Pingluo's catalog, a Huinong cadre against none, over the
API; the bulk choice (``Catalogs``) against ``catalog_for`` (``rulebook_for`` + ``ancestry``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services.cadres import cadre_move
from cases.tests._transitions_helpers import assert_error
from duties.models import DutyRecord, Obligation
from duties.selectors.catalog import Catalogs, catalog_for
from duties.selectors.compliance import ObligationRow, PostRow, RecordRow, cadre_compliance, compliances, compute
from duties.services.ledger import record_create
from duties.tests._rulebook_helpers import load_huinong, park_rulebook
from org.models import Cadre, Post
from rulebooks.models import Rulebook
from rulebooks.selectors import ancestry, choose, lineage, rulebook_for, spans

pytestmark = pytest.mark.django_db

D = dt.date
HUINONG_HEAD = "hn-hongguozi:township_head"
PINGLUO_HEAD = "pl-touzha:township_head:0"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


# --- the rules, pure -------------------------------------------------------------------------

ROW = {
    "code": "6-3-township",
    "roles": ("township_head",),
    "article": 6,
    "item": "三",
    "activity": "inspection",
    "min_count": 1,
    "period": "quarter",
    "text": "乡镇政府（街道）主要负责人每两月至少带队检查 1 次安全生产工作",
    "valid_from": D(2021, 6, 11),
}
PINGLUO_ROW = ObligationRow(id=1, rulebook="pingluo-2021", **ROW)
HUINONG_ROW = ObligationRow(id=2, rulebook="huinong", **ROW)
YEAR = {"start": D(2026, 1, 1), "end": D(2026, 12, 31), "as_of": D(2026, 12, 31)}


def head(start: dt.date, end: dt.date | None, rulebook: str | None, catalog: str | None, org: int = 1) -> PostRow:
    return PostRow("township_head", start, end, org, rulebook, catalog)


def test_a_post_is_measured_only_against_its_own_rulebooks_catalog():
    quarters = [RecordRow(2, D(2026, m, 10)) for m in (2, 5, 8, 11)]
    result = compute([PINGLUO_ROW, HUINONG_ROW], [head(D(2022, 3, 1), None, "huinong", "huinong")], quarters, **YEAR)
    assert [(o["obligation"], o["rulebook"]) for o in result["obligations"]] == [(2, "huinong")]
    assert result["fully_met"] is True
    assert result["catalogs"] == [{"rulebook": "huinong", "catalog": "huinong"}] and result["no_catalog"] == []
    # A record against the other rulebook's row counts for nothing here.
    other = compute(
        [PINGLUO_ROW, HUINONG_ROW], [head(D(2022, 3, 1), None, "huinong", "huinong")], [RecordRow(1, D(2026, 2, 1))], **YEAR
    )
    assert other["fully_met"] is False and other["obligations"][0]["periods"][0]["done"] == 0


def test_a_post_with_no_catalog_is_not_measured_and_never_fully_met():
    result = compute([PINGLUO_ROW], [head(D(2022, 3, 1), None, "huinong", None)], [], **YEAR)
    assert result["obligations"] == []
    assert result["fully_met"] is None
    assert result["catalogs"] == []
    assert result["no_catalog"] == [
        {"rulebook": "huinong", "role": "township_head", "start": D(2026, 1, 1), "end": D(2026, 12, 31)}
    ]


@pytest.mark.parametrize(
    ("posts", "records", "fully_met", "unmeasured"),
    [
        # Measured all year and every quarter met: met.
        ([head(D(2021, 1, 4), None, "pingluo-2021", "pingluo-2021")], [1, 4, 7, 10], True, []),
        # Half a year unmeasured, the measured half met: not "met" — the ledger cannot say.
        (
            [
                head(D(2021, 1, 4), D(2026, 6, 30), "pingluo-2021", "pingluo-2021"),
                head(D(2026, 7, 1), None, "national-2018", None, 2),
            ],
            [1, 4],
            None,
            [(D(2026, 7, 1), D(2026, 12, 31))],
        ),
        # …and with a missed quarter in the measured half: missed is missed.
        (
            [
                head(D(2021, 1, 4), D(2026, 6, 30), "pingluo-2021", "pingluo-2021"),
                head(D(2026, 7, 1), None, "national-2018", None, 2),
            ],
            [1],
            False,
            [(D(2026, 7, 1), D(2026, 12, 31))],
        ),
        # A part outside the year does not make the year unmeasured.
        (
            [head(D(2020, 1, 1), D(2020, 12, 31), None, None), head(D(2021, 1, 1), None, "pingluo-2021", "pingluo-2021")],
            [1, 4, 7, 10],
            True,
            [],
        ),
    ],
)
def test_fully_met_is_false_on_a_miss_unknown_on_no_catalog_and_true_only_when_all_was_measured(
    posts, records, fully_met, unmeasured
):
    result = compute([PINGLUO_ROW], posts, [RecordRow(1, D(2026, m, 15)) for m in records], **YEAR)
    assert result["fully_met"] is fully_met
    assert [(row["start"], row["end"]) for row in result["no_catalog"]] == unmeasured


def test_an_organ_is_measured_by_the_rows_bound_to_it():
    evaluation = ObligationRow(
        id=3,
        code="16",
        roles=(),
        organs=("county_safety_committee",),
        article=16,
        item="",
        activity="annual_assessment",
        min_count=1,
        period="year",
        text="由县安委会负责每年对部门、乡镇（街道）、园区管委会安全生产工作情况进行全面评价",
        valid_from=D(2021, 6, 11),
        rulebook="pingluo-2021",
    )
    committee = [PostRow("county_safety_committee", D(2000, 1, 1), None, 7, "pingluo-2021", "pingluo-2021")]
    result = compute([PINGLUO_ROW, evaluation], committee, [RecordRow(3, D(2026, 2, 10))], by="organs", **YEAR)
    assert [(o["code"], o["organs"], o["met"]) for o in result["obligations"]] == [("16", ["county_safety_committee"], True)]
    # A cadre holding a post is never bound by an organ's row, nor an organ by a role's.
    assert compute([evaluation], [head(D(2021, 1, 4), None, "pingluo-2021", "pingluo-2021")], [], **YEAR)["obligations"] == []


def book(code: str, jurisdiction: str, start: dt.date, end: dt.date | None = None, parent: str = "") -> Rulebook:
    return Rulebook(code=code, version=1, jurisdiction=jurisdiction, valid_from=start, valid_to=end, parent=parent, title=code)


NATIONAL = book("national-2018", "", D(2018, 4, 8))
PINGLUO = book("pingluo-2021", "pingluo", D(2021, 6, 11), D(2026, 12, 31), parent="national-2018")
PINGLUO_NEXT = book("pingluo-2027", "pingluo", D(2027, 1, 1), parent="national-2018")
TOWNSHIP = book("touzha", "pl-touzha", D(2024, 3, 1), D(2024, 8, 31), parent="pingluo-2021")
BOOKS = [NATIONAL, PINGLUO, PINGLUO_NEXT, TOWNSHIP]
CHAIN = ["pl-touzha", "pingluo", "shizuishan", "ningxia", ""]


def test_spans_cut_a_period_where_the_rulebook_in_force_changes():
    found = [(lo, hi, b.code if b else None) for lo, hi, b in spans(BOOKS, CHAIN, D(2018, 1, 1), D(2028, 12, 31))]
    assert found == [
        (D(2018, 1, 1), D(2018, 4, 7), None),
        (D(2018, 4, 8), D(2021, 6, 10), "national-2018"),
        (D(2021, 6, 11), D(2024, 2, 29), "pingluo-2021"),
        (D(2024, 3, 1), D(2024, 8, 31), "touzha"),
        (D(2024, 9, 1), D(2026, 12, 31), "pingluo-2021"),
        (D(2027, 1, 1), D(2028, 12, 31), "pingluo-2027"),
    ]
    # The same as asking ``choose`` (``rulebook_for``'s rule) day by day.
    day = D(2018, 1, 1)
    while day <= D(2028, 12, 31):
        [(_lo, _hi, in_span)] = [
            (lo, hi, b) for lo, hi, b in spans(BOOKS, CHAIN, D(2018, 1, 1), D(2028, 12, 31)) if lo <= day <= hi
        ]
        assert in_span is choose(BOOKS, CHAIN, day), day
        day += dt.timedelta(days=9)
    # Another county's chain never sees 平罗县's rulebooks.
    assert [
        b.code if b else None
        for _lo, _hi, b in spans(BOOKS, ["huinong", "shizuishan", "ningxia", ""], D(2020, 1, 1), D(2030, 1, 1))
    ] == ["national-2018"]


def test_lineage_is_the_ancestry_nearest_first_and_stops_at_a_cycle():
    current = {b.code: b for b in BOOKS}
    assert [b.code for b in lineage(TOWNSHIP, current)] == ["touzha", "pingluo-2021", "national-2018"]
    looped = book("a", "x", D(2020, 1, 1), parent="b")
    back = book("b", "y", D(2020, 1, 1), parent="a")
    assert [b.code for b in lineage(looped, {"a": looped, "b": back})] == ["a", "b"]


# --- on the demo county ----------------------------------------------------------------------


def test_a_pingluo_cadre_is_measured_against_pingluos_catalog(world, api):
    cadre = world.cadres[PINGLUO_HEAD]
    body = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/compliance/?year=2026").json()
    assert [(c["rulebook"], c["catalog"]) for c in body["catalogs"]] == [("pingluo-2021", "pingluo-2021")]
    assert body["catalogs"][0]["catalog_title"] == "平罗县党政领导干部安全生产责任制实施细则"
    assert body["no_catalog"] == []
    frequency = {o["code"] for o in body["obligations"] if o["period"] != "standing"}
    assert frequency == {"6-2-report", "6-2-committee", "6-3-township", "6-5", "17-departments"}
    assert all(o["rulebook"] == "pingluo-2021" for o in body["obligations"])
    assert body["fully_met"] is False  # nothing recorded in this test: the quarters are missed


def test_a_huinong_cadre_is_not_measured_against_pingluos_catalog(world, api):
    load_huinong()
    cadre = world.neighbour_cadres[HUINONG_HEAD]
    response = api("huinong_organization_officer").get(f"/api/v1/cadres/{cadre.pk}/compliance/?year=2026")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["obligations"] == [] and body["catalogs"] == []
    assert body["fully_met"] is None  # never "fully met" on no data
    [gap] = body["no_catalog"]
    assert (gap["rulebook"], gap["role"], gap["start"], gap["end"]) == ("huinong", "township_head", "2026-01-01", "2026-12-31")
    assert gap["rulebook_title"].startswith("惠农区") and "huinong" in gap["detail"]
    # The same township head's role has five duties in 平罗县: none of them is asked of Huinong.
    assert sum("township_head" in o.roles for o in Obligation.objects.filter(rulebook="pingluo-2021")) >= 5


def test_without_huinongs_own_rulebook_the_national_rules_apply_and_have_no_catalog(world):
    from rulebooks.models import Rulebook

    Rulebook.objects.filter(code="huinong").delete()  # the demo loads it (demo.world); remove it here
    result = cadre_compliance(world.neighbour_cadres[HUINONG_HEAD].pk, year=2026, as_of=D(2026, 11, 29))
    assert [row["rulebook"] for row in result["no_catalog"]] == ["national-2018"]
    assert result["fully_met"] is None and result["obligations"] == []


def test_a_rulebook_without_a_catalog_falls_back_to_its_parents(world, api):
    park_rulebook()
    cadre = world.cadres["pl-park:park_director:0"]
    body = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/compliance/?year=2026").json()
    assert [(c["rulebook"], c["catalog"]) for c in body["catalogs"]] == [("pl-park-test", "pingluo-2021")]
    assert "pingluo-2021" in body["catalogs"][0]["detail"] and "pl-park-test" in body["catalogs"][0]["detail"]
    assert {o["code"] for o in body["obligations"]} >= {"6-2-report", "6-3-county-park"}
    assert body["no_catalog"] == []


def test_a_rulebook_with_a_catalog_of_its_own_measures_its_posts_by_it(world, api):
    load_huinong()
    Obligation.objects.create(
        rulebook="huinong",
        code="6-3-township",
        roles=["township_head"],
        article=6,
        item="三",
        activity="inspection",
        min_count=1,
        period="quarter",
        text="（测试用条文）乡镇主要负责人每季度至少带队检查1次",
        valid_from=D(2022, 1, 1),
    )
    huinong = cadre_compliance(world.neighbour_cadres[HUINONG_HEAD].pk, year=2026, as_of=D(2026, 11, 29))
    assert [(o["code"], o["rulebook"]) for o in huinong["obligations"]] == [("6-3-township", "huinong")]
    assert [(c["rulebook"], c["catalog"]) for c in huinong["catalogs"]] == [("huinong", "huinong")]
    pingluo = cadre_compliance(world.cadres[PINGLUO_HEAD].pk, year=2026, as_of=D(2026, 11, 29))
    assert {o["rulebook"] for o in pingluo["obligations"]} == {"pingluo-2021"}


def test_a_huinong_post_is_never_recorded_against_pingluos_catalog(world, api):
    load_huinong()
    cadre = world.neighbour_cadres[HUINONG_HEAD]
    before = DutyRecord.objects.count()
    row = Obligation.objects.get(rulebook="pingluo-2021", code="6-3-township")
    response = api("huinong_organization_officer").post(
        "/api/v1/duty-records/", {"cadre": cadre.pk, "obligation": row.pk, "date": "2026-05-06"}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["detail"]) == ["obligation"]
    assert "pingluo-2021" in body["detail"]["obligation"][0] and "huinong" in body["detail"]["obligation"][0]
    assert DutyRecord.objects.count() == before


def test_a_move_to_the_city_leaves_the_rest_of_the_year_unmeasured(world):
    cadre = world.cadres["pl-park:park_deputy:1"]
    cadre_move(
        cadre_id=cadre.pk,
        kind="promotion",
        effective_date=D(2026, 7, 1),
        organization=world.departments["szs-emergency"],
        role="regulator_deputy",
        title="石嘴山市应急管理局副局长",
        acting_user=world.users["organization_officer"],
    )
    result = cadre_compliance(cadre.pk, year=2026, as_of=D(2026, 11, 29))
    assert [(c["rulebook"], c["catalog"]) for c in result["catalogs"]] == [("pingluo-2021", "pingluo-2021")]
    assert [(n["rulebook"], n["role"], n["start"]) for n in result["no_catalog"]] == [
        ("national-2018", "regulator_deputy", D(2026, 7, 1))
    ]
    assert result["fully_met"] is False  # the park quarters before the move were missed (nothing recorded)


def test_the_first_months_of_2021_were_under_the_national_rules(world):
    """平罗县's rules took effect on 2021-06-11 (Art. 35): before, the national rules, with no catalog."""
    result = cadre_compliance(world.cadres[PINGLUO_HEAD].pk, year=2021, as_of=D(2021, 12, 31))
    [gap] = result["no_catalog"]
    assert gap["rulebook"] == "national-2018" and gap["end"] == D(2021, 6, 10)
    assert result["fully_met"] is False  # the second half's blocks were missed: a miss is a miss


def test_the_bulk_choice_agrees_with_rulebook_for_and_ancestry(world):
    load_huinong()
    park_rulebook()
    catalogs = Catalogs()
    days = [D(2018, 1, 1), D(2019, 5, 1), D(2021, 6, 10), D(2021, 6, 11), D(2025, 12, 31), D(2026, 1, 1), D(2026, 11, 29)]
    organizations = {post.organization for post in Post.objects.select_related("organization")}
    assert len(organizations) > 15
    for organization in organizations:
        cuts = catalogs.spans(organization.pk, D(2017, 1, 1), D(2027, 12, 31))
        for day in days:
            [choice] = [c for lo, hi, c in cuts if lo <= day <= hi]
            assert choice == catalog_for(organization, day), (organization.code, day)
    # …and catalog_for is rulebook_for plus the nearest catalog up the ancestry.
    park = world.departments["pl-park"]
    book = rulebook_for(park, D(2026, 3, 1))
    assert [b.code for b in ancestry(book)] == ["national-2018", "pingluo-2021", "pl-park-test"]
    assert catalog_for(park, D(2026, 3, 1)).catalog == "pingluo-2021"


def test_compliance_of_many_cadres_costs_the_queries_of_one(world):
    load_huinong()
    ids = list(Cadre.objects.values_list("pk", flat=True))
    assert len(ids) > 60
    with CaptureQueriesContext(connection) as one:
        compliances(ids[:1], start=D(2026, 1, 1), end=D(2026, 12, 31), as_of=D(2026, 11, 29))
    with CaptureQueriesContext(connection) as many:
        results = compliances(ids, start=D(2026, 1, 1), end=D(2026, 12, 31), as_of=D(2026, 11, 29))
    assert len(many.captured_queries) == len(one.captured_queries) <= 6
    huinong = {c.pk for c in world.neighbour_cadres.values()}
    assert {pk for pk, r in results.items() if r["fully_met"] is None} >= huinong
    assert all(results[pk]["obligations"] == [] for pk in huinong)


def test_recording_a_pingluo_duty_still_works(world):
    """The catalog check on a record lets the right catalog through."""
    record = record_create(
        acting_user=world.users["organization_officer"],
        cadre=world.cadres[PINGLUO_HEAD],
        obligation=Obligation.objects.get(rulebook="pingluo-2021", code="6-3-township"),
        date=D(2026, 5, 6),
    )
    assert record.post.organization.code == "pl-touzha"
