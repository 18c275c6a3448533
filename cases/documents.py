"""The accountability decision document (问责决定书) of a case, as PDF and DOCX (PRODUCT §2, §9).

``decision_context`` gathers everything the document says, already worded in Chinese, in a
fixed number of queries; the two renderers only lay it out, so the PDF and the DOCX always say
the same thing. Its contents follow domain-facts §1.6: who is held accountable (name, unit and
post at the time of the conduct), the facts and evidence, the Art. 33 factors, the articles
relied on with the rule engine's reasoning, the measures, the deciding organ and date, the
approver, the appeal route and deadline, and the seal.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cases.codes import DECIDED_STATES, MEASURE_ORDER, ORGANIZATIONAL_MEASURES, CaseState
from cases.lifecycle.deciding import organ_name
from cases.models import Assessment, Case, CaseSubject, DeadlinePolicy, InterimMeasure, MeasureDecision
from cases.selectors.appeals import AppealContext
from cases.selectors.deadlines import deadline_due, policy_in_force
from core.errors import PreconditionFailed
from rulebooks.figures import FigureBook

DOCUMENT_STATES = DECIDED_STATES
TITLE = "问责决定书"
RULES_TITLE = "《平罗县党政领导干部安全生产责任制实施细则》"
FONT = "WenQuanYi Micro Hei"
FONT_FALLBACK = "宋体"
APPEAL_POLICY = "appeal_window"
NOT_STATED = "（未载明）"
UNIT_ZH: dict[str, str] = {
    DeadlinePolicy.Unit.HOURS: "小时",
    DeadlinePolicy.Unit.DAYS: "日",
    DeadlinePolicy.Unit.WORKING_DAYS: "个工作日",
    DeadlinePolicy.Unit.MONTHS: "个月",
}
_DIGITS = "零一二三四五六七八九"


# --- wording helpers --------------------------------------------------------------------------


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 26 → 二十六, 105 → 一百零五 (numbers of articles, items, periods)."""
    if n < 0 or n >= 1000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + _DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + zh_number(rest))


def article_label(ref: str) -> str:
    """``26.5`` → 第二十六条第（五）项; ``27`` → 第二十七条; anything else unchanged."""
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?", str(ref).strip())
    if not match:
        return str(ref)
    label = f"第{zh_number(int(match[1]))}条"
    if match[2]:
        label += f"第（{zh_number(int(match[2]))}）项"
    return label


def _article_key(ref: str) -> tuple:
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?", str(ref).strip())
    if not match:
        return (10_000, 0, str(ref))
    return (int(match[1]), int(match[2] or 0), "")


def basis_labels(citations: list[str], cites: dict[str, str] | None = None) -> list[str]:
    """The articles relied on, in the rules' order; a bare article is dropped when one of its
    items is cited (第二十六条第（五）项 already says 第二十六条). ``cites``: the applied
    rulebook's own numbers by canonical code (engine 2), e.g. ``26.5`` → 第十八条第（四）项."""
    refs = list(dict.fromkeys(str(c).strip() for c in citations if str(c).strip()))
    with_items = {r.split(".")[0] for r in refs if "." in r}
    kept = [r for r in refs if "." in r or r not in with_items]
    labels = [(cites or {}).get(r) or article_label(r) for r in sorted(kept, key=_article_key)]
    return list(dict.fromkeys(labels))


def rules_title(output: dict[str, Any]) -> str:
    """The title of the rulebook an assessment applied (engine 2), else the county rules."""
    rulebook = output.get("rulebook") or {}
    return f"《{rulebook['title']}》" if rulebook.get("title") else RULES_TITLE


def rulebook_cites(output: dict[str, Any]) -> dict[str, str]:
    """Canonical code → the applied rulebook's own article number, from the explanation."""
    cites: dict[str, str] = {}
    for line in output.get("explanation", []):
        if line.get("cite"):
            cites.setdefault(str(line.get("article", "")), str(line["cite"]))
    return cites


# A rulebook version as the engine names it (``pingluo-2021@44aaa5b67ada：``): internal, never printed.
_VERSION_TAG = re.compile(r"[a-z0-9][a-z0-9-]*@[0-9a-f]{6,64}[：:]\s*")
# Flags for the officer (UNVERIFIED, VERIFIED-S …) and the notes around them: kept in the checklist.
_FLAG = re.compile(r"[（(]\s*(?:UN)?VERIFIED(?:-[PS])?[^）)]*[）)]|\b(?:UN)?VERIFIED(?:-[PS])?\b[；;，,]?\s*")


def _items_in_chinese(text: str) -> str:
    """The engine writes 第（5）项; a formal document writes 第（五）项. Internal version tags and
    verification flags are dropped: they are the officer's, on the checklist, not the document's."""
    text = _FLAG.sub("", _VERSION_TAG.sub("", text)).replace("（）", "")
    return re.sub(r"（([\d、，, ]+)）项", lambda m: "（" + re.sub(r"\d+", lambda d: zh_number(int(d[0])), m[1]) + "）项", text)


def zh_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


PREFIXES = {TITLE: "问决", "处分决定书": "处决", "组织处理决定书": "组决", "问责建议书": "问建"}


def document_number(case: Case, title: str = TITLE) -> str:
    """``ZR-2026-0001`` → 问决〔2026〕1号 (the case's yearly sequence; the case number stays on the
    page); 处决, 组决, 问建 for a 处分决定书, 组织处理决定书, 问责建议书."""
    prefix = PREFIXES.get(title, "问决")
    match = re.fullmatch(r"[A-Za-z]+-(\d{4})-(\d+)", case.number)
    if match:
        return f"{prefix}〔{match[1]}〕{int(match[2])}号"
    return f"{prefix}〔{case.number}〕号"


def document_filename(case: Case, extension: str) -> str:
    return f"{case.number}-{TITLE}.{extension}"


def _person(user) -> str:
    if user is None:
        return NOT_STATED
    return (user.get_full_name() or "").strip() or user.get_username()


def _text(value: str | None) -> str:
    return (value or "").strip() or NOT_STATED


# --- data -------------------------------------------------------------------------------------


# --- one document per deciding organ (issue 14 item 6) -----------------------------------------

DECISION, RECOMMENDATION = "decision", "recommendation"
SANCTION_TITLE, ORGANIZATIONAL_TITLE, RECOMMENDATION_TITLE = "处分决定书", "组织处理决定书", "问责建议书"


@dataclass(frozen=True)
class DocumentSpec:
    """One document of a decided case: the decision of one deciding organ (its own measures), or
    the 问责建议 the discipline organ sent to another organ (the measures that organ decided on
    it). ``key`` names it in URLs: ``decision-<department id>`` or ``recommendation-<id>``."""

    kind: str
    organ_id: int
    organ_name: str
    issuer_name: str  # the organ whose document it is (the sender of a recommendation)
    title: str

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.organ_id}"

    def covers(self, measure: MeasureDecision, case: Case) -> bool:
        return (measure.deciding_department_id or case.owner_department_id) == self.organ_id


def _title_for(measures: list[MeasureDecision]) -> str:
    if measures and all(m.measure == "sanction" for m in measures):
        return SANCTION_TITLE
    if measures and all(m.measure in ORGANIZATIONAL_MEASURES for m in measures):
        return ORGANIZATIONAL_TITLE
    return TITLE


def documents_of(case: Case, decided: list[MeasureDecision] | None = None) -> list[DocumentSpec]:
    """The documents of a decided case: the owner's decision first (always, as the public
    ``decision.pdf`` without a parameter), then each other organ's 问责建议书 and decision.
    ``decided``: the case's decided measures when already read (with their deciding organ)."""
    if decided is None:
        decided = list(
            MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED)
            .select_related("deciding_department")
            .order_by("id")
        )
    owner = case.owner_department
    by_organ: dict[int, list[MeasureDecision]] = {}
    names = {owner.pk: owner.name}
    for m in decided:
        organ_id = m.deciding_department_id or owner.pk
        by_organ.setdefault(organ_id, []).append(m)
        if m.deciding_department is not None:
            names[organ_id] = m.deciding_department.name
    specs = [DocumentSpec(DECISION, owner.pk, owner.name, owner.name, _title_for(by_organ.get(owner.pk, [])))]
    for organ_id, measures in by_organ.items():
        if organ_id == owner.pk:
            continue
        specs.append(DocumentSpec(RECOMMENDATION, organ_id, names[organ_id], owner.name, RECOMMENDATION_TITLE))
        specs.append(DocumentSpec(DECISION, organ_id, names[organ_id], names[organ_id], _title_for(measures)))
    return specs


def document_spec(case: Case, key: str | None, specs: list[DocumentSpec] | None = None) -> DocumentSpec:
    """The document ``key`` names (default: the owner's decision); ``LookupError`` if none."""
    specs = specs if specs is not None else documents_of(case)
    if not key:
        return specs[0]
    found = next((s for s in specs if s.key == key), None)
    if found is None:
        raise LookupError(key)
    return found


def _decision_qs():
    subjects = CaseSubject.objects.select_related("cadre", "post", "post__organization", "finding").prefetch_related(
        Prefetch(
            "measures",
            queryset=MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED)
            .select_related("deciding_department")
            .order_by("id"),
            to_attr="decided_measures",
        ),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id"),
            to_attr="conclusions",
        ),
        Prefetch(
            "interim_measures",
            queryset=InterimMeasure.objects.select_related("authority", "absorbed_by").order_by("ordered_on", "id"),
            to_attr="interims",
        ),
    )
    return Case.objects.select_related("owner_department", "approved_by").prefetch_related(
        Prefetch("subjects", queryset=subjects.order_by("id"))
    )


STAGE_ZH = {"appeal": "申诉", "review": "复审", "recheck": "复核"}
_LAW = re.compile(r"(《[^》]+》)(?:\([^)]*\)|（[^）]*）)?(约)?(第[一二三四五六七八九十百零]+条)?")


def _law_of(basis: str) -> str:
    """The law and article a route's basis names, as a document cites it: ``《公务员法》第九十五条``;
    an article Zeren only places approximately (约第二十条) is cited by the law's name alone."""
    match = _LAW.search(basis)
    if match is None:
        return ""
    return match[1] + (match[3] if match[3] and not match[2] else "")


def _period(limit: Any) -> str:
    return f"{zh_number(limit.amount)}{UNIT_ZH.get(limit.unit, limit.unit)}" if limit is not None else ""


INTERIM_ZH = {"suspension": "先期停职", "removal": "先期免职"}


def _interim_line(measure: InterimMeasure) -> str:
    head = f"{measure.authority.name}于{zh_date(measure.ordered_on)}对其{INTERIM_ZH.get(measure.kind, '')}"
    if measure.state == InterimMeasure.State.ABSORBED and measure.absorbed_by is not None:
        return f"{head}，由本决定的{measure.absorbed_by.get_measure_display()}吸收。"
    if measure.state == InterimMeasure.State.LIFTED:
        return f"{head}，已于{zh_date(measure.ended_on)}解除。"
    return f"{head}，尚未解除。"


def _appeal_lines(routes: list[Any], labels: dict[int, str]) -> list[str]:
    """Per decided measure, each route it opens: the stage, the body and the window, with the law
    (issue 14 item 6). A stage without a stated window says 在规定期限内."""
    lines = []
    for item in routes:
        label = labels.get(item.measure.pk, "")
        for route in item.routes:
            parts = []
            for stage in route.stages:
                body = stage.body.name if stage.body is not None else "有关机关"
                start = "收到本决定书之日" if stage.order == 1 else f"收到{STAGE_ZH.get(stage.after or '', '')}决定之日"
                period = _period(stage.window)
                when = f"自{start}起{period}内" if period else "在规定期限内"
                prefix = "" if stage.order == 1 else f"对{STAGE_ZH.get(stage.after or '', '')}决定仍不服的，"
                act = "提出书面申诉" if stage.stage == "appeal" else f"申请{STAGE_ZH.get(stage.stage, '')}"
                parts.append(f"{prefix}可以{when}向{body}{act}")
            laws = list(dict.fromkeys(law for law in (_law_of(stage.basis) for stage in route.stages) if law))
            law = "、".join(laws) or _law_of(route.basis)
            lines.append(f"对{label}不服的，" + "；".join(parts) + (f"（依据{law}）" if law else "") + "。")
    return lines


def _subject_section(
    case: Case,
    subject: CaseSubject,
    ordinal: int,
    organ: str,
    spec: DocumentSpec | None = None,
    appeals: AppealContext | None = None,
) -> dict[str, Any] | None:
    measures = sorted(subject.decided_measures, key=lambda m: (MEASURE_ORDER.index(m.measure), m.pk))  # type: ignore[attr-defined]  # Prefetch(to_attr=...) in _decision_qs
    if spec is not None:
        measures = [m for m in measures if spec.covers(m, case)]
    if not measures:
        return None
    try:
        finding = subject.finding
    except CaseSubject.finding.RelatedObjectDoesNotExist:
        finding = None
    conclusion = subject.conclusions[-1] if subject.conclusions else None  # type: ignore[attr-defined]  # Prefetch(to_attr=...) in _decision_qs
    output = conclusion.output if conclusion else {}
    labels = []
    by_organ: dict[str, list[str]] = {}  # the deciding organ of each measure (问责条例第十二条), in order
    for m in measures:
        label = m.get_measure_display()
        if m.sanction_kind:
            label += f"（{m.get_sanction_kind_display()}）"
        labels.append(str(label))
        decider = organ_name(m.deciding_department, m.sanction_kind) if m.deciding_department else organ
        by_organ.setdefault(decider, []).append(str(label))
    cites = rulebook_cites(output)
    basis = basis_labels(output.get("citations", []), cites)
    title = rules_title(output)
    name = subject.cadre.name
    post = subject.post
    return {
        "ordinal": zh_number(ordinal),
        "name": name,
        "unit": post.organization.name if post else NOT_STATED,
        "post_title": post.title if post else NOT_STATED,
        "conduct_date": zh_date(finding.conduct_date) if finding else "",
        "facts": _text(case.facts),
        "evidence": _text(finding.evidence if finding else ""),
        "factors": [
            {"label": "岗位职责", "text": _text(finding.post_duties if finding else "")},
            {"label": "履职情况", "text": _text(finding.performance if finding else "")},
            {"label": "履职条件", "text": _text(finding.conditions if finding else "")},
        ],
        "factors_intro": f"根据{title}{cites.get('33', '第三十三条')}，综合考虑{name}同志的岗位职责、履职情况和履职条件，认定如下：",
        "basis": basis,
        "basis_sentence": (f"依据{title}{'、'.join(basis)}之规定，经综合分析认定：" if basis else f"依据{title}有关规定。"),
        "explanations": [
            {
                "article": str(line.get("cite") or article_label(line.get("article", ""))),
                "text": _items_in_chinese(str(line.get("text", ""))),
            }
            for line in output.get("explanation", [])
        ],
        "measures": labels,
        # 先期处置 and how the decision settles it (issue 14 item 4): absorbed by a final measure or lifted.
        "interim_lines": [_interim_line(i) for i in subject.interims],  # type: ignore[attr-defined]  # Prefetch(to_attr=...) in _decision_qs
        "appeal_lines": (
            _appeal_lines(
                [appeals.measure_routes(subject, m) for m in measures],
                {m.pk: label for m, label in zip(measures, labels, strict=True)},
            )
            if appeals is not None
            else []
        ),
        "decision_sentence": (
            f"建议{spec.organ_name}对{name}同志给予以下处理：{'、'.join(labels)}。"
            if spec is not None and spec.kind == RECOMMENDATION
            else "；".join(
                f"经{decider}研究决定，给予{name}同志以下问责：{'、'.join(items)}" for decider, items in by_organ.items()
            )
            + "。"
        ),
    }


def _appeal(case: Case, organ: str) -> dict[str, Any]:
    day = case.delivered_on or case.decided_on
    figures = FigureBook.load()
    place = case.owner_department_id
    policy = policy_in_force(APPEAL_POLICY, day, department=place, figures=figures) if day else None
    if policy is None:
        period = ""
        text = f"如不服本决定，可自收到本决定书之日起，在规定期限内向{organ}提出书面申诉。申诉期间，不停止本决定的执行。"
    else:
        period = f"{zh_number(policy.amount)}{UNIT_ZH.get(policy.unit, policy.unit)}"
        text = f"如不服本决定，可自收到本决定书之日起{period}内，向{organ}提出书面申诉。申诉期间，不停止本决定的执行。"
    deadline = None
    approximate = False
    if case.delivered_on and policy is not None:
        due = deadline_due(APPEAL_POLICY, case.delivered_on, department=place, policies=[policy], figures=figures)
        deadline, approximate = (due.at.date() if isinstance(due.at, dt.datetime) else due.at), due.approximate
    if deadline and approximate:
        # Working days past the official calendar's years: a printed end date could be wrong.
        deadline_text = f"本决定书于{zh_date(case.delivered_on)}送达，申诉期限自送达之日的次日起按{period}计算。"
    elif deadline:
        deadline_text = f"本决定书于{zh_date(case.delivered_on)}送达，申诉期限至{zh_date(deadline)}止。"
    else:
        deadline_text = "申诉期限自本决定书送达之日起计算。"
    # Whether the limit is checked against its text is the officer's to confirm before issuing
    # (``cases.selectors.issuance``), never a line of the document.
    note = ""
    return {
        "period": period,
        "text": text,
        "deadline": zh_date(deadline) if deadline else "",
        "deadline_text": deadline_text,
        "note": note,
    }


def decision_context(case: Case, document: str | None = None) -> dict[str, Any]:
    """Everything a document of the case says, worded in Chinese: the owner's decision, or the
    document ``document`` names (``documents_of``). Raises ``PreconditionFailed`` before
    measures are decided, ``LookupError`` for a document the case does not have. A fixed number
    of queries whatever the number of subjects."""
    if case.state not in DOCUMENT_STATES:
        raise PreconditionFailed(
            _("The decision document exists only once the measures are decided (now: %(s)s).")
            % {"s": CaseState(case.state).label}
        )
    case = _decision_qs().get(pk=case.pk)
    decided = sorted((m for s in case.subjects.all() for m in s.decided_measures), key=lambda m: m.pk)  # type: ignore[attr-defined]  # Prefetch(to_attr=...) in _decision_qs
    specs = documents_of(case, decided)
    spec = document_spec(case, document, specs)
    with translation.override("zh-hans"):
        organ = spec.issuer_name
        subjects: list[dict[str, Any]] = []
        routes = AppealContext(case) if spec.kind == DECISION else None  # read once for every subject
        for subject in case.subjects.all():
            section = _subject_section(case, subject, len(subjects) + 1, organ, spec, routes)
            if section is not None:
                subjects.append(section)
        if not subjects and spec.kind == DECISION and spec.organ_id == case.owner_department_id and len(specs) > 1:
            # The owner decided nothing itself: its document is the recommendation's cover.
            raise PreconditionFailed(_("The discipline organ decided no measure itself; issue the recommendation instead."))
        if not subjects:
            raise PreconditionFailed(_("No subject of this case has a decided measure."))
        approver = case.approved_by if spec.organ_id == case.owner_department_id or spec.kind == RECOMMENDATION else None
        if approver is None:
            approver = next(
                (m.decided_by for s in case.subjects.all() for m in s.decided_measures if spec.covers(m, case) and m.decided_by),  # type: ignore[attr-defined]  # Prefetch(to_attr=...) in _decision_qs
                None,
            )
        return {
            "kind": spec.kind,
            "key": spec.key,
            "addressee": spec.organ_name if spec.kind == RECOMMENDATION else "",
            "title": spec.title,
            "font": FONT,
            "case_number": case.number,
            "case_title": case.title,
            "document_number": document_number(case, spec.title),
            "section_heading": {
                SANCTION_TITLE: "处分决定",
                ORGANIZATIONAL_TITLE: "组织处理决定",
                RECOMMENDATION_TITLE: "问责建议",
            }.get(spec.title, "问责决定"),
            "organ": organ,
            "decided_on": zh_date(case.decided_on),
            "approver": _person(approver),
            "subjects": subjects,
            # A recommendation is not served on the cadre: it has no appeal section.
            "appeal": _appeal(case, organ) if spec.kind == DECISION else None,
            "seal": "（盖章）",
        }


# --- PDF --------------------------------------------------------------------------------------


def _no_fetch_class():
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        """The document is self-contained: any URL in it is refused, so nothing is ever fetched."""

        def fetch(self, url, headers=None):
            raise ValueError(f"external resource refused: {url}")

    return NoFetcher


def decision_html(case: Case, context: dict[str, Any] | None = None, document: str | None = None) -> str:
    context = context if context is not None else decision_context(case, document)
    with translation.override("zh-hans"):
        return render_to_string("documents/decision.html", context)


def decision_pdf(case: Case, document: str | None = None) -> bytes:
    """A4 PDF, WenQuanYi Micro Hei embedded (subset), no external resources."""
    from weasyprint import HTML

    html = decision_html(case, document=document)
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch_class()()).write_pdf()


# --- DOCX -------------------------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Point every script slot of a run properties element at the document font (w:eastAsia for
    Chinese) and drop theme fonts, which would otherwise win over the explicit names."""
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)  # only w:rStyle may precede it, and styles have none
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    rfonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _register_font_fallback(document) -> None:
    """Declare the font in the font table with 宋体 as its alternate name, so Word and
    LibreOffice substitute 宋体 where WenQuanYi Micro Hei is not installed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from lxml import etree

    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    font = etree.SubElement(root, qn("w:font"), {qn("w:name"): FONT})
    etree.SubElement(font, qn("w:altName"), {qn("w:val"): FONT_FALLBACK})
    etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
    etree.SubElement(font, qn("w:family"), {qn("w:val"): "swiss"})
    etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    # python-docx keeps the font table as an opaque part; its blob is the only handle on it.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style_document(document) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(26), Mm(24)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr())
        style.paragraph_format.space_before = Pt(10)
        style.paragraph_format.space_after = Pt(4)
    # Document defaults too, so text outside these styles (e.g. the footer) renders in Chinese.
    rpr_default = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr_default is not None:
        _set_fonts(rpr_default)


def _paragraph(document, text: str = "", *, bold=False, size=None, align=None, indent=True, color=None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    p = document.add_paragraph()
    if align is not None:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt((size or 12) * 2)
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    return p


def _labelled(document, label: str, text: str):
    p = _paragraph(document)
    p.add_run(f"{label}：").bold = True
    p.add_run(text)
    return p


def _page_footer(document) -> None:
    """第 N 页 centred in the footer (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    footer = document.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ").font.size = Pt(9)
    run = p.add_run()
    run.font.size = Pt(9)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text is not None and text.strip() == "PAGE":  # text is set whenever kind is not
            el = run._r.makeelement(qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            el.text = text
        else:
            el = run._r.makeelement(qn("w:t"), {})
            el.text = text
        run._r.append(el)
    p.add_run(" 页").font.size = Pt(9)


def decision_docx(case: Case, key: str | None = None) -> bytes:
    """The same document as the PDF, as a Word file with the East Asian font set."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    ctx = decision_context(case, key)
    document = Document()
    _style_document(document)
    _register_font_fallback(document)
    _page_footer(document)
    props = document.core_properties
    props.title = f"{ctx['title']} {ctx['document_number']}"
    props.author = ctx["organ"]
    props.subject = ctx["case_title"]
    props.language = "zh-CN"

    _paragraph(document, ctx["organ"], bold=True, size=20, align="center", color="C00000")
    _paragraph(document, ctx["title"], bold=True, size=22, align="center")
    _paragraph(document, ctx["document_number"], align="center")
    rule = _paragraph(document, "", align="center")
    rule_run = rule.add_run("━" * 24)
    rule_run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    rule_run.font.size = Pt(10)
    _paragraph(document, f"案件编号：{ctx['case_number']}　　案由：{ctx['case_title']}", size=10, indent=False)
    if ctx["addressee"]:
        _paragraph(document, f"{ctx['addressee']}：", indent=False)

    for s in ctx["subjects"]:
        document.add_heading(f"{s['ordinal']}、关于{s['name']}同志的{ctx['section_heading']}", level=1)
        document.add_heading("（一）被问责人基本情况", level=2)
        _labelled(document, "姓名", s["name"])
        _labelled(document, "工作单位", s["unit"])
        _labelled(document, "职务", f"{s['post_title']}（问责情形发生时）")
        if s["conduct_date"]:
            _labelled(document, "问责情形发生日期", s["conduct_date"])
        document.add_heading("（二）问责事实和证据", level=2)
        for line in s["facts"].splitlines() or [s["facts"]]:
            if line.strip():
                _paragraph(document, line.strip())
        _labelled(document, "证据", s["evidence"])
        document.add_heading("（三）岗位职责、履职情况和履职条件", level=2)
        _paragraph(document, s["factors_intro"])
        for factor in s["factors"]:
            _labelled(document, factor["label"], f"“{factor['text']}”")
        document.add_heading("（四）问责依据", level=2)
        _paragraph(document, s["basis_sentence"])
        for line in s["explanations"]:
            p = _paragraph(document, size=10.5)
            p.add_run(f"{line['article']}　").bold = True
            p.add_run(line["text"]).font.size = Pt(10.5)
        document.add_heading("（五）问责方式", level=2)
        _paragraph(document, s["decision_sentence"], bold=True)
        for line in s["interim_lines"]:
            _paragraph(document, line)

    # The appeal notice, the approver and the signature stay on one page, as in the PDF.
    if ctx["appeal"] is not None:
        closing = [document.add_heading("申诉途径和期限", level=1)]
        for s in ctx["subjects"]:
            for line in s["appeal_lines"]:
                closing.append(_paragraph(document, (f"{s['name']}同志：" if len(ctx["subjects"]) > 1 else "") + line))
        if not ctx["subjects"][0]["appeal_lines"]:
            closing.append(_paragraph(document, ctx["appeal"]["text"]))
        closing.append(_paragraph(document, ctx["appeal"]["deadline_text"]))
    else:
        closing = [_paragraph(document, f"以上建议，请依照干部管理权限研究决定，并将结果函告{ctx['organ']}。")]
    closing.append(_paragraph(document, f"批准人：{ctx['approver']}", indent=False))
    closing.append(_paragraph(document, ""))
    closing.append(_paragraph(document, ctx["organ"], align="right"))
    closing.append(_paragraph(document, ctx["seal"], align="right"))
    closing.append(_paragraph(document, ctx["decided_on"], align="right"))
    for paragraph in closing[:-1]:
        paragraph.paragraph_format.keep_with_next = True

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
