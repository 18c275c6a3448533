"""The decision document 问责决定书 (PRODUCT §2, §9; domain-facts §1.6): its content in the PDF
(read back and fonts checked with pypdf) and the DOCX (read back
with python-docx), who may fetch it, when it exists, and the cost of gathering its data."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.codes import CaseState
from cases.documents import article_label, basis_labels, decision_context, decision_html, zh_number
from cases.models import Case, DeadlinePolicy, Finding
from cases.selectors import SOURCE_ONLY, case_access
from cases.selectors.deadlines import deadline_after
from cases.selectors.issuance import issuance_checklist
from cases.services.lifecycle import case_transition
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state, confirm_documents

pytestmark = pytest.mark.django_db

OFFICER = "discipline_officer"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"
THREE = (BAOFENG_DEPUTY, "pl-baofeng:township_deputy:1", "pl-baofeng:township_head:0")
FACTORS = {
    "post_duties": "分管安全生产工作，每季度至少组织一次安全生产检查。",
    "performance": "2026年第一季度未组织检查，对企业隐患整改督促不力。",
    "conditions": "镇应急办配备专职人员两名，检查经费已列入预算。",
    "evidence": "事故调查报告；检查台账；谈话笔录。",
}


def squash(text: str) -> str:
    """Text extraction breaks lines and may space CJK glyphs: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def zh(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def url(case: Case, ext: str) -> str:
    return f"/api/v1/cases/{case.pk}/decision.{ext}"


@pytest.fixture
def executing(world) -> Case:
    case = case_in_state(world, CaseState.EXECUTING)
    Finding.objects.filter(subject__case=case).update(**FACTORS)
    confirm_documents(world, case)  # the unverified defaults, confirmed before issuing (issue 14)
    return case


def expected_texts(world, case: Case) -> list[str]:
    subject = case.subjects.select_related("cadre", "post__organization").get()
    appeal_until = deadline_after("appeal_window", case.delivered_on)
    return [
        "问责决定书",
        subject.cadre.name,
        subject.post.organization.name,  # the unit: 宝丰镇
        subject.post.title,  # 副镇长
        "诫勉",
        "第二十六条第（五）项",
        case.owner_department.name,  # the deciding organ: 平罗县纪委监委
        zh(case.decided_on),
        world.users["discipline_leader"].get_full_name(),  # the approver
        "申诉",
        f"对诫勉不服的，可以自收到本决定书之日起一个月内向{case.owner_department.name}提出书面申诉",
        f"申诉期限至{zh(appeal_until)}止",
        "（盖章）",
        *FACTORS.values(),
        case.facts,
    ]


# --- PDF --------------------------------------------------------------------------------------


def _pdf_fonts(reader) -> set[tuple[str, bool]]:
    """(font name, embedded) for every font the pages use."""
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            embedded = bool(descriptor) and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]), embedded))
    return fonts


def test_pdf_is_a_chinese_a4_document_with_embedded_fonts(world, api, executing):
    from pypdf import PdfReader

    response = api(OFFICER).get(url(executing, "pdf"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    filename = f"{executing.number}-问责决定书.pdf"
    assert f"filename*=UTF-8''{quote(filename)}" in response["Content-Disposition"]
    assert f'filename="{executing.number}-decision.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:]

    reader = PdfReader(io.BytesIO(body))
    text = squash("".join(page.extract_text() for page in reader.pages))
    for expected in expected_texts(world, executing):
        assert squash(expected) in text, expected

    fonts = _pdf_fonts(reader)
    assert fonts, "the PDF uses no font"
    assert all(embedded and "WenQuanYi" in name for name, embedded in fonts), fonts

    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_html_has_no_external_reference(executing):
    html = decision_html(executing)
    assert not re.search(r"https?://|url\(|<link|<img|<script|@import", html, re.IGNORECASE)
    assert 'font-family: "WenQuanYi Micro Hei"' in html


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_has_the_same_content_and_chinese_fonts(world, api, executing):
    from docx import Document
    from docx.oxml.ns import qn

    response = api(OFFICER).get(url(executing, "docx"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'{executing.number}-问责决定书.docx')}" in disposition

    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in expected_texts(world, executing):
        assert squash(expected) in squash(text), expected

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for style in ("Normal", "Heading 1", "Heading 2"):
        rfonts = document.styles[style].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == "WenQuanYi Micro Hei", style
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, style
    font_table = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert b"WenQuanYi Micro Hei" in font_table.blob
    assert "宋体".encode() in font_table.blob


# --- content details --------------------------------------------------------------------------


def test_decided_but_not_delivered_has_no_concrete_deadline(world, api):
    case = case_in_state(world, CaseState.DECIDED)
    context = decision_context(case)
    assert context["appeal"]["deadline"] == ""
    assert context["appeal"]["deadline_text"] == "申诉期限自本决定书送达之日起计算。"
    assert "一个月内" in context["appeal"]["text"]
    assert api(OFFICER).get(url(case, "docx")).status_code == 409  # the checklist is not confirmed yet
    confirm_documents(world, case)
    assert api(OFFICER).get(url(case, "docx")).status_code == 200


def test_no_flag_code_or_hash_is_printed_and_the_checklist_holds_them(world, executing):
    text = json.dumps(decision_context(executing), ensure_ascii=False)
    for internal in ("UNVERIFIED", "VERIFIED", "尚未与正式文本核对", executing.subjects.get().assessments.last().policy_version):
        assert internal not in text
    assert not re.search(r"[a-z0-9-]+@[0-9a-f]{6,}", text)
    keys = [item["key"] for item in issuance_checklist(executing)["items"]]
    assert any(k.startswith("limit:appeal_window:") for k in keys)
    DeadlinePolicy.objects.filter(code="appeal_window").update(verified=True)
    assert not any(k.startswith("limit:appeal_window:") for k in (i["key"] for i in issuance_checklist(executing)["items"]))


def test_sanctions_and_combined_measures_are_labelled_in_chinese(world):
    case = case_in_state(world, CaseState.PROPOSING)
    subject = case.subjects.get()
    measures = [
        {"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_warning"},
        {"subject": subject.pk, "measure": "notice"},
    ]
    case_transition(case_id=case.pk, name="propose", payload={"measures": measures}, acting_user=world.users[OFFICER])
    case_transition(case_id=case.pk, name="approve", payload={}, acting_user=world.users["discipline_leader"])
    section = decision_context(Case.objects.get(pk=case.pk))["subjects"][0]
    assert section["measures"] == ["通报", "处分（党内警告）"]
    assert section["decision_sentence"].endswith("以下问责：通报、处分（党内警告）。")


def test_one_section_per_subject_with_decided_measures(world):
    case = case_in_state(world, CaseState.EXECUTING, cadres=THREE)
    context = decision_context(case)
    assert [s["ordinal"] for s in context["subjects"]] == ["一", "二", "三"]
    assert [s["name"] for s in context["subjects"]] == [world.cadres[k].name for k in THREE]
    assert [s["post_title"] for s in context["subjects"]] == ["副镇长", "副镇长", "镇长"]


def test_article_labels():
    assert [zh_number(n) for n in (1, 5, 10, 15, 20, 26, 33, 100, 105, 110, 126)] == [
        "一",
        "五",
        "十",
        "十五",
        "二十",
        "二十六",
        "三十三",
        "一百",
        "一百零五",
        "一百一十",
        "一百二十六",
    ]
    assert article_label("26.5") == "第二十六条第（五）项"
    assert article_label("29.1") == "第二十九条第（一）项"
    assert article_label("27") == "第二十七条"
    assert basis_labels(["26.5", "26", "27", "33", "28"]) == ["第二十六条第（五）项", "第二十七条", "第二十八条", "第三十三条"]


# --- when the document exists and who may fetch it --------------------------------------------


@pytest.mark.parametrize("state", [CaseState.PROPOSING, CaseState.APPROVING])
def test_no_document_before_the_decision(world, api, state):
    case = case_in_state(world, state)
    for ext in ("pdf", "docx"):
        assert_error(api(OFFICER).get(url(case, ext), HTTP_ACCEPT="application/pdf"), 409, "precondition_failed")


def test_referring_agency_gets_404(world, api):
    case = case_in_state(world, CaseState.EXECUTING, source="audit_officer")
    assert case_access(case, world.users["audit_officer"]) == SOURCE_ONLY
    for ext in ("pdf", "docx"):
        assert_error(api("audit_officer").get(url(case, ext)), 404, "not_found")


def test_outsider_and_anonymous_and_missing_case(world, api, executing):
    for ext in ("pdf", "docx"):
        assert_error(api("city_discipline_officer").get(url(executing, ext)), 404, "not_found")
        assert_error(api().get(url(executing, ext)), 401, "not_authenticated")
        assert_error(api(OFFICER).get(f"/api/v1/cases/999999/decision.{ext}"), 404, "not_found")


def test_executing_department_has_full_access(world, api, executing):
    # The organization department executes the 诫勉 (Art. 34), so it sees the case in full.
    response = api("organization_officer").get(url(executing, "docx"))
    assert response.status_code == 200, response.content


def test_schema_documents_both_downloads(world, api):
    schema = api(OFFICER).get("/api/schema/?format=json").json()
    pdf = next(v for k, v in schema["paths"].items() if k.endswith("/decision.pdf"))
    docx = next(v for k, v in schema["paths"].items() if k.endswith("/decision.docx"))
    assert "application/pdf" in pdf["get"]["responses"]["200"]["content"]
    assert any("wordprocessingml" in t for t in docx["get"]["responses"]["200"]["content"])
    assert {"401", "404", "409"} <= set(pdf["get"]["responses"])


# --- cost -------------------------------------------------------------------------------------


def test_context_query_count_does_not_grow_with_subjects(world):
    one = case_in_state(world, CaseState.EXECUTING)
    three = case_in_state(world, CaseState.EXECUTING, cadres=THREE)
    counts = []
    for case in (one, three):
        case = Case.objects.get(pk=case.pk)
        with CaptureQueriesContext(connection) as queries:
            context = decision_context(case)
        counts.append(len(queries))
        assert len(context["subjects"]) == case.subjects.count()
    assert counts[0] == counts[1], counts
    # The case with its subjects, measures, conclusions and interim measures (5), the appeal routes of
    # every measure (AppealContext, 5), the rulebooks' limits and the appeal window (3).
    assert counts[0] <= 13, counts
