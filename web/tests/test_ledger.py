"""The duty-ledger pages over HTTP, as the personas use them (PRODUCT §3).

Personas (``conftest.py``):
- organization_officer, emergency_officer: keep the county's ledger (records, evidence, withdrawals).
- discipline_officer: reads the county's ledger (evidence for Art. 26.1 and 31) but keeps none of it.
- audit_officer: keeps only the ledger of its own department's leaders (the demo has none).
- inspection_officer: the same, for the inspection office.
- city_discipline_officer: the city's discipline organ, outside the county: sees nothing of it.
- admin: superuser.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.services.cadres import cadre_move
from duties.models import DutyRecord, Evidence, Obligation
from duties.services.ledger import record_create, record_void

pytestmark = pytest.mark.django_db

# A township deputy: one inspection a month (Art. 9(四)). Posts start in early 2021.
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER_DEPUTY = "pl-baofeng:township_deputy:1"
TOWNSHIP_HEAD = "pl-touzha:township_head:0"
TODAY = dt.date(2026, 5, 20)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen_today():
    """The ledger is judged on a fixed day: January to April 2026 are over, May is running."""
    tz = timezone.get_default_timezone()
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_as(world):
    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(world.users[username])
        return client

    return make


def _inspection() -> Obligation:
    return Obligation.objects.get(code="9-4-township")


def _record(world, cadre, day: dt.date, *, files=(), note="") -> DutyRecord:
    return record_create(
        acting_user=world.users["organization_officer"],
        cadre=cadre,
        obligation=_inspection(),
        date=day,
        note=note,
        files=list(files),
    )


def _promote_to_head(world, cadre, on: dt.date) -> None:
    cadre_move(
        cadre_id=cadre.pk,
        kind="promotion",
        effective_date=on,
        acting_user=world.users["organization_officer"],
        organization=world.departments["pl-baofeng"],
        role="township_head",
        title="镇长",
    )


def _pdf(name="检查记录.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _page(client, cadre, year=2026):
    return client.get(f"/duties/cadres/{cadre.pk}/?year={year}")


def _cell(html: str, code: str, start: str) -> str:
    """The status of the calendar block of duty ``code`` that starts on ``start``."""
    row = re.search(rf'<tr data-obligation="{re.escape(code)}".*?</tr>', html, re.S)
    assert row, code
    cell = re.search(rf'data-start="{start}" data-status="(\w+)"', row.group(0))
    assert cell, start
    return cell.group(1)


def _post_record(client, cadre, *, obligation, day, note="", files=(), year=2026):
    data = {"action": "record", "record-obligation": obligation, "record-date": day, "record-note": note}
    if files:
        data["record-evidence"] = list(files)
    return client.post(f"/duties/cadres/{cadre.pk}/?year={year}", data)


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organization_officer", 200),
        ("emergency_officer", 200),
        ("discipline_officer", 200),
        ("admin", 200),
        ("audit_officer", 403),  # another department's cadre
        ("inspection_officer", 403),
        ("city_discipline_officer", 403),  # outside the county
    ],
)
def test_the_compliance_page_opens_only_for_those_who_may_read_the_ledger(client_as, world, persona, status):
    assert _page(client_as(persona), world.cadres[DEPUTY]).status_code == status


@pytest.mark.parametrize(
    "persona", ["organization_officer", "emergency_officer", "discipline_officer", "audit_officer", "city_discipline_officer"]
)
def test_the_ledger_home_opens_for_every_department(client_as, persona):
    response = client_as(persona).get("/duties/")
    assert response.status_code == 200
    assert response.context["here"].startswith("duties")


def test_anonymous_users_are_sent_to_the_login_page(client_as, world):
    for url in ("/duties/", f"/duties/cadres/{world.cadres[DEPUTY].pk}/"):
        response = client_as(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_department_outside_the_scope_is_refused(client_as, world):
    baofeng = world.departments["pl-baofeng"].pk
    assert client_as("organization_officer").get(f"/duties/?department={baofeng}").status_code == 200
    assert client_as("audit_officer").get(f"/duties/?department={baofeng}").status_code == 403
    city = world.departments["szs-discipline"].pk
    assert client_as("organization_officer").get(f"/duties/?department={city}").status_code == 403
    assert client_as("city_discipline_officer").get(f"/duties/?department={baofeng}").status_code == 403
    assert client_as("organization_officer").get("/duties/?department=999999").status_code == 404


def test_readers_see_no_form_and_may_not_write(client_as, world):
    cadre = world.cadres[DEPUTY]
    html = _page(client_as("discipline_officer"), cadre).content.decode()
    assert 'id="add-record"' not in html and 'name="action" value="withdraw"' not in html
    response = _post_record(client_as("discipline_officer"), cadre, obligation=_inspection().pk, day="2026-05-02")
    assert response.status_code == 403
    assert not DutyRecord.objects.filter(cadre=cadre).exists()
    assert 'id="add-record"' in _page(client_as("organization_officer"), cadre).content.decode()


def test_the_cadre_record_page_links_to_the_compliance_page(client_as, world):
    cadre = world.cadres[DEPUTY]
    html = client_as("organization_officer").get(f"/cadres/{cadre.pk}/").content.decode()
    assert f'href="/duties/cadres/{cadre.pk}/"' in html


# --- the department view ---------------------------------------------------------------------------


def test_the_department_view_shows_who_is_behind_this_month(client_as, world):
    _record(world, world.cadres[DEPUTY], dt.date(2026, 5, 3))
    baofeng = world.departments["pl-baofeng"]
    response = client_as("organization_officer").get(f"/duties/?department={baofeng.pk}")
    rows = {row["cadre"]["id"]: row for row in response.context["rows"]}
    done, behind = world.cadres[DEPUTY], world.cadres[OTHER_DEPUTY]
    assert rows[done.pk]["behind"] is False and rows[behind.pk]["behind"] is True
    html = response.content.decode()
    assert re.search(rf'data-cadre="{done.pk}" data-behind="no"', html)
    assert re.search(rf'data-cadre="{behind.pk}" data-behind="yes"', html)
    # The current block, its count and a link to each cadre's calendar.
    assert "2026-05-01 – 2026-05-31" in html
    assert f'href="/duties/cadres/{behind.pk}/"' in html
    assert response.context["behind_count"] == len(rows) - 1


def test_keepers_start_with_the_county_leaders_and_pick_any_county_unit(client_as, world):
    response = client_as("emergency_officer").get("/duties/")
    assert response.context["department"] == world.departments["pingluo"]
    html = response.content.decode()
    assert f'<option value="{world.departments["pl-park"].pk}"' in html
    assert f'<option value="{world.departments["szs-discipline"].pk}"' not in html
    # A department sees its own leaders only: no picker.
    assert 'id="department-picker"' not in client_as("audit_officer").get("/duties/").content.decode()


# --- the calendar ----------------------------------------------------------------------------------


def test_the_calendar_colours_each_block_by_status(client_as, world):
    cadre = world.cadres[DEPUTY]
    _record(world, cadre, dt.date(2026, 2, 10))
    html = _page(client_as("organization_officer"), cadre).content.decode()
    assert _cell(html, "9-4-township", "2026-01-01") == "missed"
    assert _cell(html, "9-4-township", "2026-02-01") == "met"
    assert _cell(html, "9-4-township", "2026-05-01") == "pending"
    assert _cell(html, "9-4-township", "2026-12-01") == "pending"
    assert 'data-fully-met="no"' in html
    assert "县委常委会" not in html  # only the duties of the posts held


def test_blocks_of_every_length_span_their_months(client_as, world):
    head = world.cadres[TOWNSHIP_HEAD]
    response = _page(client_as("organization_officer"), head)
    spans = {o["code"]: [c["span"] for c in o["cells"]] for o in response.context["obligations"]}
    assert spans["6-3-township"] == [2] * 6  # two months
    assert spans["6-2-report"] == [3] * 4  # quarters
    assert spans["6-5"] == [6, 6]  # half years
    assert spans["17-departments"] == [12]
    safety_deputy = world.cadres["pingluo:county_safety_deputy:0"]
    response = _page(client_as("organization_officer"), safety_deputy)
    (patrol,) = [o for o in response.context["obligations"] if o["code"] == "14"]
    assert [c["span"] for c in patrol["cells"]] == [12]  # the 2025–26 block spans the year
    assert patrol["cells"][0]["start"] == dt.date(2025, 1, 1)


def test_a_year_without_gaps_shows_the_fully_met_banner(client_as, world):
    cadre = world.cadres[DEPUTY]
    for month in range(1, 13):
        _record(world, cadre, dt.date(2025, month, 12))
    html = _page(client_as("discipline_officer"), cadre, year=2025).content.decode()
    assert 'data-fully-met="yes"' not in html  # the standing duties of 第九条 are not done yet
    for code in _standing("township_deputy"):
        record_create(
            acting_user=world.users["organization_officer"],
            cadre=cadre,
            obligation=Obligation.objects.get(code=code),
            date=dt.date(2025, 6, 3),
        )
    html = _page(client_as("discipline_officer"), cadre, year=2025).content.decode()
    assert 'data-fully-met="yes"' in html
    assert 'href="?year=2025" class="on"' in html and 'href="?year=2026"' in html


def test_the_obligations_offered_are_those_of_the_posts_held_that_year(client_as, world):
    cadre = world.cadres[DEPUTY]
    _promote_to_head(world, cadre, dt.date(2026, 3, 1))
    form = _page(client_as("organization_officer"), cadre).context["record_form"]
    offered = {Obligation.objects.get(pk=pk).code for pk, _label in form.fields["obligation"].choices if pk}
    standing = _standing("township_deputy") | _standing("township_head")
    assert offered == {"9-4-township", "6-2-report", "6-2-committee", "6-3-township", "6-5", "17-departments"} | standing
    form = _page(client_as("organization_officer"), cadre, year=2025).context["record_form"]
    offered = {Obligation.objects.get(pk=pk).code for pk, _label in form.fields["obligation"].choices if pk}
    assert offered == {"9-4-township"} | _standing("township_deputy")
    # A standing duty is offered by its words (its activity is the same for all of them).
    labels = dict(form.fields["obligation"].choices)
    assert labels[Obligation.objects.get(code="9-1").pk].startswith("第9条（一） 组织分管行业（领域）")


def _standing(role: str) -> set[str]:
    """The standing duties (no frequency) of a role, as the catalog has them (issue 13)."""
    return {o.code for o in Obligation.objects.filter(period="standing") if role in o.roles}


# --- recording, withdrawing, evidence --------------------------------------------------------------


def test_a_keeper_records_a_duty_with_evidence_and_the_block_turns_met(client_as, world):
    cadre = world.cadres[DEPUTY]
    client = client_as("organization_officer")
    response = _post_record(
        client, cadre, obligation=_inspection().pk, day="2026-04-08", note="带队检查两家企业", files=[_pdf(), _pdf("照片.pdf")]
    )
    assert response.status_code == 302
    assert response["Location"] == f"/duties/cadres/{cadre.pk}/?year=2026#records"
    record = DutyRecord.objects.get(cadre=cadre)
    assert (record.date, record.note, record.recorded_by) == (
        dt.date(2026, 4, 8),
        "带队检查两家企业",
        world.users["organization_officer"],
    )
    assert sorted(e.original_name for e in record.evidence.all()) == ["检查记录.pdf", "照片.pdf"]
    html = client.get(response["Location"]).content.decode()
    assert _cell(html, "9-4-township", "2026-04-01") == "met"
    for evidence in record.evidence.all():
        assert f'href="/duties/records/{record.pk}/evidence/{evidence.pk}/"' in html


def test_a_bad_file_is_refused_next_to_the_field_and_nothing_is_saved(client_as, world):
    cadre = world.cadres[DEPUTY]
    fake = SimpleUploadedFile("会议纪要.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _post_record(
        client_as("organization_officer"),
        cadre,
        obligation=_inspection().pk,
        day="2026-04-08",
        note="已检查",
        files=[_pdf(), fake],
    )
    assert response.status_code == 400
    assert "会议纪要.pdf" in response.context["record_form"].errors["evidence"][0]
    html = response.content.decode()
    block = html[html.index('id="id_record-evidence"') : html.index('id="id_record-evidence"') + 1200]
    assert "errorlist" in block and "会议纪要.pdf" in block
    assert 'id="files-dropped"' in html
    # What was typed is kept.
    assert "已检查" in html and 'value="2026-04-08"' in html
    assert re.search(rf'<option value="{_inspection().pk}" selected>', html)
    assert (DutyRecord.objects.count(), Evidence.objects.count()) == (0, 0)


def test_more_evidence_files_than_one_upload_holds_is_a_form_error(client_as, world, settings):
    settings.ZEREN_EVIDENCE_MAX_FILES = 3
    files = [_pdf(f"检查记录{i}.pdf") for i in range(4)]
    response = _post_record(
        client_as("organization_officer"), world.cadres[DEPUTY], obligation=_inspection().pk, day="2026-04-08", files=files
    )
    assert response.status_code == 400
    [error] = response.context["record_form"].errors["evidence"]
    assert "4" in error and "3" in error
    assert (DutyRecord.objects.count(), Evidence.objects.count()) == (0, 0)


def test_a_zip_bomb_in_the_form_is_a_form_error(client_as, world):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:document/>")
        package.writestr("word/media/zeros.bin", b"\x00" * 8 * 1024 * 1024)
    bomb = SimpleUploadedFile("纪要.docx", out.getvalue())
    response = _post_record(
        client_as("organization_officer"), world.cadres[DEPUTY], obligation=_inspection().pk, day="2026-04-08", files=[bomb]
    )
    assert response.status_code == 400
    assert "纪要.docx" in response.context["record_form"].errors["evidence"][0]
    assert (DutyRecord.objects.count(), Evidence.objects.count()) == (0, 0)


def test_a_date_the_cadre_held_no_bound_post_is_refused_next_to_the_duty(client_as, world):
    cadre = world.cadres[DEPUTY]
    _promote_to_head(world, cadre, dt.date(2026, 3, 1))
    head_inspection = Obligation.objects.get(code="6-3-township")
    client = client_as("organization_officer")
    response = _post_record(client, cadre, obligation=head_inspection.pk, day="2026-02-10")
    assert response.status_code == 400
    errors = response.context["record_form"].errors
    assert set(errors) == {"obligation"} and "第6条（三）" in errors["obligation"][0]
    response = _post_record(client, cadre, obligation=head_inspection.pk, day="2026-06-01")
    assert set(response.context["record_form"].errors) == {"date"}  # in the future
    assert not DutyRecord.objects.exists()


def test_withdrawing_needs_a_reason(client_as, world):
    cadre = world.cadres[DEPUTY]
    record = _record(world, cadre, dt.date(2026, 3, 3), note="误录")
    client = client_as("organization_officer")
    url = f"/duties/cadres/{cadre.pk}/?year=2026"
    response = client.post(url, {"action": "withdraw", "record": record.pk, f"w{record.pk}-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    row = re.search(rf'<tr id="record-{record.pk}".*?</tr>', html, re.S).group(0)
    assert '<details class="zm-withdraw" open>' in row and "errorlist" in row
    record.refresh_from_db()
    assert record.voided_at is None

    response = client.post(url, {"action": "withdraw", "record": record.pk, f"w{record.pk}-reason": "日期录错"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.voided_by == world.users["organization_officer"] and record.void_reason == "日期录错"
    html = client.get(url).content.decode()
    row = re.search(rf'<tr id="record-{record.pk}".*?</tr>', html, re.S).group(0)
    assert 'class="zm-withdrawn"' in row and "日期录错" in row
    assert _cell(html, "9-4-township", "2026-03-01") == "missed"  # it no longer counts


def test_a_record_of_another_cadre_cannot_be_withdrawn_from_this_page(client_as, world):
    record = _record(world, world.cadres[OTHER_DEPUTY], dt.date(2026, 3, 3))
    url = f"/duties/cadres/{world.cadres[DEPUTY].pk}/"
    response = client_as("organization_officer").post(
        url, {"action": "withdraw", "record": record.pk, f"w{record.pk}-reason": "x"}
    )
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.voided_at is None


def test_evidence_downloads_only_for_those_who_may_read_the_record(client_as, world):
    record = _record(world, world.cadres[DEPUTY], dt.date(2026, 3, 3), files=[_pdf()])
    evidence = record.evidence.get()
    url = f"/duties/records/{record.pk}/evidence/{evidence.pk}/"
    for persona in ("organization_officer", "discipline_officer"):
        response = client_as(persona).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    for persona in ("audit_officer", "city_discipline_officer"):
        assert client_as(persona).get(url).status_code == 403
    other = _record(world, world.cadres[OTHER_DEPUTY], dt.date(2026, 3, 3))
    assert client_as("organization_officer").get(f"/duties/records/{other.pk}/evidence/{evidence.pk}/").status_code == 404


# --- a constant number of queries ----------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_compliance_page_reads_in_a_constant_number_of_queries(client_as, world):
    cadre = world.cadres[DEPUTY]
    client = client_as("organization_officer")
    url = f"/duties/cadres/{cadre.pk}/?year=2026"
    for day in (dt.date(2026, 1, 5), dt.date(2026, 2, 5)):
        _record(world, cadre, day, files=[_pdf()])
    client.get(url)  # warm the session and the content types
    few = _queries(client, url)
    for i in range(8):
        record = _record(world, cadre, dt.date(2026, 3 + i % 3, 1 + i), files=[_pdf(), _pdf("b.pdf")])
        if i % 2:
            record_void(acting_user=world.users["organization_officer"], record_id=record.pk, reason="重复")
    assert DutyRecord.objects.filter(cadre=cadre).count() == 10
    assert _queries(client, url) == few


def test_the_department_view_reads_in_a_constant_number_of_queries(client_as, world):
    client = client_as("organization_officer")
    baofeng, touzha = world.departments["pl-baofeng"], world.departments["pl-touzha"]
    _record(world, world.cadres[DEPUTY], dt.date(2026, 5, 2))
    client.get("/duties/")
    few = _queries(client, f"/duties/?department={baofeng.pk}")
    for key in ("pl-touzha:township_deputy:0", "pl-touzha:township_deputy:1"):
        for day in (1, 2, 3, 4, 5):
            _record(world, world.cadres[key], dt.date(2026, 5, day))
    assert _queries(client, f"/duties/?department={touzha.pk}") == few
