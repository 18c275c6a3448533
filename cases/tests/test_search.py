"""Case search (issue 16): the tokenizer, the document the services keep, the ranking.

Runs on SQLite and on PostgreSQL (``DATABASE_URL``); the plans are in tests/test_query_plans.py."""

from __future__ import annotations

import pytest

from cases.codes import CaseState, SourceKind
from cases.models import Case, CaseSearch
from cases.search import case_search_rebuild, grams, normalize, query_grams
from cases.selectors import case_list
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import advance, case_in_state, new_lead
from core.persistence import local_today


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", set()),
        ("王", {"王"}),
        ("王伟", {"王", "伟", "王伟"}),
        ("燃气爆", {"燃", "气", "爆", "燃气", "气爆"}),
        ("王伟 燃气", {"王", "伟", "燃", "气", "王伟", "燃气"}),  # no gram across the space
        ("  王\t伟\n", {"王", "伟"}),  # whitespace of any kind separates
        ("ZR-2026-01", {"Z", "R", "-", "2", "0", "6", "1", "ZR", "R-", "-2", "20", "02", "26", "6-", "-0", "01"}),
        ("zr", {"Z", "R", "ZR"}),  # upper case
        ("ＡＢ１", {"A", "B", "1", "AB", "B1"}),  # full-width folded (NFKC)
        ("燃气，爆炸", {"燃", "气", ",", "爆", "炸", "燃气", "气,", ",爆", "爆炸"}),  # punctuation: a character (NFKC: ，→ ,)
    ],
)
def test_grams(text, expected):
    assert grams(text) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("王", ["王"]),
        ("王伟", ["王伟"]),
        ("鑫磊铸造", ["磊铸", "鑫磊", "铸造"]),
        ("王 伟", ["伟", "王"]),  # one-character runs need their character
        ("王伟 燃气", ["燃气", "王伟"]),
        ("zr-20", ["-2", "20", "R-", "ZR"]),
        (" ", []),
        ("。", ["。"]),
    ],
)
def test_query_grams(q, expected):
    assert query_grams(q) == expected
    # whatever a document holding q contains, it holds the query's grams
    assert set(expected) <= grams(q)


def test_normalize():
    assert normalize("  Ｚr-2026\u3000王  伟 ") == "ZR-2026 王 伟"


def _document(case: Case) -> str:
    return CaseSearch.objects.get(case=case).document


def _grams(case: Case) -> set[str]:
    return set(CaseSearch.objects.get(case=case).grams.split())


@pytest.mark.django_db
def test_the_document_follows_title_facts_subjects_findings_and_measures(world):
    case = new_lead(world)
    doc = _document(case)
    name = case.subjects.first().cadre.name
    assert "测试线索" in doc and "测试事实" in doc and name in doc
    assert case.number not in doc  # the number has indexes of its own
    assert {"测", "试", "测试", "线索"} <= _grams(case)

    case = advance(world, case, CaseState.ASSESSING)  # findings recorded: performance "未按期检查", 26.5
    doc = _document(case)
    assert "未按期检查" in doc
    assert "未按期" in doc and {"按期", "检查"} <= _grams(case)

    officer = world.users["discipline_officer"]
    case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=officer)
    measures = [{"subject": s.pk, "measure": "admonishment"} for s in case.subjects.all()]
    case_transition(case_id=case.pk, name="propose", payload={"measures": measures}, acting_user=officer)
    assert "诫勉" in _document(case)

    case_transition(case_id=case.pk, name="reject", payload={"reason": "量纪不当"}, acting_user=world.users["discipline_leader"])
    assert "诫勉" not in _document(case)  # withdrawn measures are not searched


@pytest.mark.django_db
def test_search_finds_one_two_and_more_characters_in_every_field(world):
    officer = world.users["discipline_officer"]
    case = lead_create(
        acting_user=world.users["emergency_officer"],
        title="某燃气公司爆炸",
        facts="鑫磊铸造违规生产",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
        circumstances=["26.5"],
    )
    other = new_lead(world)
    name = case.subjects.first().cadre.name

    def found(q: str) -> set[int]:
        return set(case_list(user=officer, q=q).values_list("pk", flat=True))

    assert found("燃气") == {case.pk}
    assert found("燃") == {case.pk}
    assert found("鑫磊铸造") == {case.pk}
    assert found("磊铸造违") == {case.pk}
    assert found("铸造 违规") == set()  # a phrase: the space is part of it
    assert found(name) == {case.pk, other.pk}
    assert found(name[:1]) >= {case.pk, other.pk}
    assert found(case.number) == {case.pk}
    assert found(case.number.lower()) == {case.pk}
    assert found(case.number[-4:]) >= {case.pk}  # a part of a number (trigram index)
    assert found("燃 炸") == set()  # both grams are there, the phrase is not: the substring decides
    assert found("爆炸鑫磊") == set()  # no match across two fields
    assert found("无此") == set()


@pytest.mark.django_db
def test_results_are_ranked_number_then_title_then_the_rest_newest_first(world):
    officer = world.users["discipline_officer"]

    def lead(title: str, facts: str) -> Case:
        return lead_create(
            acting_user=world.users["emergency_officer"],
            title=title,
            facts=facts,
            source_kind=SourceKind.ACCIDENT_INVESTIGATION,
            subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
            circumstances=["26.5"],
        )

    facts_old = lead("某公司事故", "燃气泄漏")
    title_old = lead("燃气爆炸", "事实")
    facts_new = lead("某公司事故", "涉及燃气")
    title_new = lead("燃气中毒", "事实")
    assert [c.pk for c in case_list(user=officer, q="燃气")] == [title_new.pk, title_old.pk, facts_new.pk, facts_old.pk]
    # a case number first, even when other cases hold it in their facts
    mention = lead("关联案件", f"参见{facts_old.number}")
    assert [c.pk for c in case_list(user=officer, q=facts_old.number)] == [facts_old.pk, mention.pk]


@pytest.mark.django_db
def test_rebuild_writes_every_document(world):
    cases = [new_lead(world), case_in_state(world, CaseState.APPROVING)]
    before = {c.pk: (_document(c), _grams(c)) for c in cases}
    CaseSearch.objects.all().delete()
    assert case_search_rebuild(batch=1) >= 2
    assert {c.pk: (_document(c), _grams(c)) for c in cases} == before


@pytest.mark.django_db
def test_short_query_pages_are_the_ranked_list_for_officer_and_superuser(world):
    """A one- or two-character query's pages (on PostgreSQL read newest first per tier by
    ``SearchWalk``) are the slices of the plain ranked query, for both scopes and a state
    filter; a sort given drops the rank; the count is exact."""
    from core.api.pagination import EstimatingPaginator

    def lead(title: str, facts: str) -> Case:
        return lead_create(
            acting_user=world.users["emergency_officer"],
            title=title,
            facts=facts,
            source_kind=SourceKind.ACCIDENT_INVESTIGATION,
            subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
            circumstances=["26.5"],
        )

    made = [lead("燃气爆炸" if i % 3 == 0 else "某公司事故", "涉及燃气" if i % 2 else "事实燃") for i in range(9)]
    made.append(lead("ＡＢ公司", "无"))  # full width: the title's grams are normalised (AB)
    for user in (world.users["discipline_officer"], world.users["admin"]):
        for q, state in (("燃气", None), ("燃", None), ("气", CaseState.RECEIVED), ("ab", None), ("无此", None)):
            qs = case_list(user=user, q=q, state=state)
            plain = [c.pk for c in qs.order_by(*qs.query.order_by)]  # order_by: the plain ranked query
            pages = [c.pk for start in range(0, len(plain) + 3, 3) for c in qs[start : start + 3]]
            assert pages == plain, (q, state)
            assert EstimatingPaginator(qs, 3).count == len(plain)
            assert [c.pk for c in qs[1:4]] == plain[1:4]
        ranked = [c.pk for c in case_list(user=user, q="燃气")[:10]]
        titles = {c.pk for c in made if "燃气" in c.title}
        assert set(ranked[: len(titles)]) == titles  # title hits first
        assert ranked[: len(titles)] == sorted(titles, reverse=True)  # newest first (ids rise with time)
        by_title = [c.title for c in case_list(user=user, q="燃气").order_by("title")]
        assert by_title == sorted(by_title)  # a sort given: no rank
    assert [c.pk for c in case_list(user=world.users["admin"], q="ab")[:5]] == [made[-1].pk]


@pytest.mark.django_db
def test_the_search_row_holds_the_case_departments_and_follows_a_transfer(world):
    """Migration 0031: the row copies the handling and referring departments (the grams index
    holds them); a referral's acceptance moves the copy with the case; a rebuild rewrites it."""
    from cases.models import Referral
    from cases.services.referrals import referral_move

    def copy(case: Case) -> tuple[int | None, int | None]:
        row = CaseSearch.objects.get(case=case)
        return row.owner_department_id, row.source_department_id

    case = new_lead(world)
    assert copy(case) == (case.owner_department_id, case.source_department_id)
    case_transition(
        case_id=case.pk,
        name="transfer",
        acting_user=world.users["discipline_officer"],
        payload={"to_department": world.departments["pl-organization"].pk, "reason": "属组织处理事项"},
    )
    referral = Referral.objects.get(case=case, kind=Referral.Kind.TRANSFER)
    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users["organization_officer"])
    case.refresh_from_db()
    assert case.owner_department_id == world.departments["pl-organization"].pk
    assert copy(case) == (case.owner_department_id, case.source_department_id)
    CaseSearch.objects.filter(case=case).update(owner_department=None, source_department=None)
    case_search_rebuild()
    assert copy(case) == (case.owner_department_id, case.source_department_id)


@pytest.mark.django_db
def test_a_stale_department_copy_never_shows_a_case_the_user_may_not_see(world):
    """Visibility is decided on the case's own columns: a search row claiming the officer's
    department for another county's case finds nothing for them (every query form)."""
    officer = world.users["discipline_officer"]
    city = lead_create(  # the neighbouring county's case
        acting_user=world.users["huinong_emergency_officer"],
        title="市级燃气案件",
        facts="燃气",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.neighbour_cadres["hn-hongguozi:township_head"]],
        circumstances=["26.5"],
    )
    assert city.owner_department_id != world.departments["pl-discipline"].pk
    CaseSearch.objects.filter(case=city).update(
        owner_department=world.departments["pl-discipline"], source_department=world.departments["pl-discipline"]
    )
    from core.api.pagination import EstimatingPaginator

    new_lead(world)  # a case the officer does see
    for q in ("燃气", "市级", "燃"):
        qs = case_list(user=officer, q=q)
        plain = [c.pk for c in qs.order_by(*qs.query.order_by)]
        assert city.pk not in plain
        assert [c.pk for c in qs[:10]] == plain[:10]  # the page (PostgreSQL: SearchWalk)
        assert EstimatingPaginator(qs, 10).count == len(plain)
        for rare in (1, 500):  # either way of reading candidates off the index
            walk = case_list(user=officer, q=q).walk
            if walk is not None:  # PostgreSQL
                walk.RARE = rare
                assert city.pk not in walk.ids(0, 50) and walk.count() == len(plain)


def _reach(case: Case) -> set[int]:
    return {int(d) for d in CaseSearch.objects.get(case=case).reach.split()}


@pytest.mark.django_db
def test_reach_holds_the_departments_that_see_a_case_only_through_its_links(world):
    """Migration 0032: ``reach`` lists who sees the case through a link and neither handles nor
    referred it — a transfer's receiver while it is open (not once returned), the sender once
    the receiver has accepted, an execution or archive task's department, an appeal's deciding
    body — and a rebuild writes the same."""
    from cases.models import Referral
    from cases.services.appeals import appeal_file
    from cases.services.referrals import referral_move
    from cases.tests._appeal_helpers import PARTY_WARNING, executing

    d = world.departments
    discipline, organization = d["pl-discipline"].pk, d["pl-organization"].pk
    case = new_lead(world)
    assert _reach(case) == set()  # the handling and the referring department are not "reach"

    def transfer() -> Referral:
        case_transition(
            case_id=case.pk,
            name="transfer",
            acting_user=world.users["discipline_officer"],
            payload={"to_department": organization, "reason": "属组织处理事项"},
        )
        return Referral.objects.get(case=case, kind=Referral.Kind.TRANSFER, state=Referral.State.SENT)

    referral_move(referral_id=transfer().pk, move="return", acting_user=world.users["organization_officer"], reason="不属本部门")
    assert _reach(case) == set()  # returned: the receiver no longer sees it
    sent = transfer()
    assert _reach(case) == {organization}  # sent, not yet accepted
    referral_move(referral_id=sent.pk, move="accept", acting_user=world.users["organization_officer"])
    case.refresh_from_db()
    assert case.owner_department_id == organization
    assert _reach(case) == {discipline}  # the sender, through its referral

    executed = executing(world, PARTY_WARNING, delivered=None)
    tasks = set(executed.executions.values_list("department_id", flat=True))
    assert organization in tasks  # the 人事档案 archive task
    assert _reach(executed) == tasks - {executed.owner_department_id, executed.source_department_id}
    city = d["szs-discipline"].pk
    appeal_file(
        case_id=executed.pk,
        subject_id=executed.subjects.order_by("id").first().pk,
        filed_on=local_today(),
        grounds="认为处理偏重",
        acting_user=world.users["discipline_officer"],
        deciding_department_id=city,
    )
    assert city in _reach(executed)

    expected = {c.pk: _reach(c) for c in (case, executed)}
    CaseSearch.objects.update(reach="", owner_department=None)
    case_search_rebuild()
    assert {c.pk: _reach(c) for c in (case, executed)} == expected


@pytest.mark.django_db
def test_a_case_reached_through_links_is_found_and_a_stale_reach_shows_nothing(world):
    """The organization department sees a discipline case through its archive task: its short
    search finds the case in every query form (pages, count, either way of reading candidates);
    a ``reach`` claiming a department for a case it has no link to shows nothing."""
    from cases.tests._appeal_helpers import PARTY_WARNING, executing
    from core.api.pagination import EstimatingPaginator

    organization = world.departments["pl-organization"]
    executed = executing(world, PARTY_WARNING, delivered=None)
    assert executed.owner_department_id != organization.pk
    unrelated = new_lead(world)  # the discipline department's, no link to the organization
    CaseSearch.objects.filter(case=unrelated).update(reach=f"{organization.pk}")
    user = world.users["organization_officer"]
    name = executed.subjects.order_by("id").first().cadre.name[:2]
    for q in (name, name[:1]):
        assert unrelated.pk in [c.pk for c in case_list(user=world.users["admin"], q=q)[:50]]  # it matches
        qs = case_list(user=user, q=q)
        plain = [c.pk for c in qs.order_by(*qs.query.order_by)]
        assert executed.pk in plain and unrelated.pk not in plain, q
        assert [c.pk for c in qs[:10]] == plain[:10]
        assert EstimatingPaginator(qs, 10).count == len(plain)
        for rare in (1, 500):
            walk = case_list(user=user, q=q).walk
            if walk is not None:  # PostgreSQL
                walk.RARE = rare
                assert executed.pk in walk.ids(0, 50) and unrelated.pk not in walk.ids(0, 50)
                assert walk.count() == len(plain)
