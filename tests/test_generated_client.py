"""A client generated from the schema drives a lead to closing (issue 15, item 1).

``openapi-python-client`` (dev requirements) generates a typed Python client from this server's
own /api/schema/; the test imports it and takes a lead from ``received`` to ``closed`` through
the client's own HTTP stack (httpx, with a WSGI transport into this server, inside the test's
transaction): sign-in, lead, acceptance, findings, conclusion, proposal, approval,
delivery, execution and closing, and one refusal read as the documented ``Error``. Every answer
is parsed by the generated models: a field the schema declares wrongly (a string that comes
back null, an enum missing a value, a list documented as a page) fails here as it would fail
a client in the field.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from core.persistence import local_today

pytestmark = pytest.mark.django_db

PACKAGE = "zeren_client"
CONFIG = f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"


@pytest.fixture
def generated(tmp_path, client):
    schema = tmp_path / "schema.json"
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema.write_text(json.dumps(response.json()), encoding="utf-8")
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).with_name("openapi-python-client"))
    out = tmp_path / "out"
    run = subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(out),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # Only the binary documents (PDF, Word, workbooks) are left raw: the generator reads no such type.
    skipped = [line for line in run.stdout.splitlines() if line.startswith("WARNING parsing")]
    assert all(("decision." in line or ".xlsx" in line) for line in skipped), skipped
    sys.path.insert(0, str(tmp_path))
    (tmp_path / PACKAGE).symlink_to(out, target_is_directory=True)
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def transport(generated):
    # As Django's test client does: a request must not close the test's connection. (After the
    # client is generated: Django's test client, which fetched the schema, reconnects the signal.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield httpx.WSGITransport(app=WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_generated_client_takes_a_lead_to_closing(world, generated, transport):
    from zeren_client import AuthenticatedClient, Client
    from zeren_client.api.v1 import (
        v1_auth_token_create,
        v1_cases_retrieve,
        v1_cases_subjects_findings_update,
        v1_cases_transitions_create,
        v1_executions_complete_create,
        v1_executions_list,
        v1_leads_create,
    )
    from zeren_client.models import (
        CaseDetail,
        Error,
        FindingInputRequest,
        LeadRequest,
        NoteRequest,
        TokenRequestRequest,
        TransitionRequest,
    )

    base_url = "http://testserver"
    anonymous = Client(base_url=base_url, httpx_args={"transport": transport})

    def sign_in(username: str) -> AuthenticatedClient:
        answer = v1_auth_token_create.sync_detailed(
            client=anonymous, body=TokenRequestRequest(username=username, password=settings.DEMO_PASSWORD)
        )
        assert answer.status_code == 200, answer.content
        return AuthenticatedClient(
            base_url=base_url, token=answer.parsed.token, prefix="Token", httpx_args={"transport": transport}
        )

    wrong = v1_auth_token_create.sync_detailed(
        client=anonymous, body=TokenRequestRequest(username="discipline_officer", password="x")
    )
    assert wrong.status_code == 401 and isinstance(wrong.parsed, Error) and wrong.parsed.error == "authentication_failed"

    emergency, officer, leader = sign_in("emergency_officer"), sign_in("discipline_officer"), sign_in("discipline_leader")
    organization = sign_in("organization_officer")
    cadre = world.cadres["pl-baofeng:township_deputy:0"]

    lead = v1_leads_create.sync_detailed(
        client=emergency,
        body=LeadRequest.from_dict(
            {
                "title": "化工企业中毒事故",
                "facts": "1人死亡",
                "source_kind": "accident_investigation",
                "subjects": [cadre.pk],
                "circumstances": ["26.5"],
            }
        ),
    )
    assert lead.status_code == 201, lead.content
    case_id = lead.parsed.id

    def fire(client: AuthenticatedClient, name: str, **payload) -> CaseDetail:
        detail = v1_cases_retrieve.sync(id=case_id, client=client)
        assert isinstance(detail, CaseDetail)
        assert name in detail.available_transitions, (name, detail.state, detail.available_transitions)
        answer = v1_cases_transitions_create.sync_detailed(
            id=case_id, client=client, body=TransitionRequest.from_dict({"name": name, **payload})
        )
        assert answer.status_code == 200, answer.content
        assert isinstance(answer.parsed, CaseDetail)
        return answer.parsed

    # A transition the state does not allow: 409 in the documented shape, read by the client.
    refused = v1_cases_transitions_create.sync_detailed(
        id=case_id, client=officer, body=TransitionRequest.from_dict({"name": "close"})
    )
    assert refused.status_code == 409 and isinstance(refused.parsed, Error)

    fire(officer, "accept", team=["discipline_officer", "discipline_officer2"])
    subject_id = v1_cases_retrieve.sync(id=case_id, client=officer).subjects[0].id
    findings = v1_cases_subjects_findings_update.sync_detailed(
        case_pk=case_id,
        subject_pk=subject_id,
        client=officer,
        body=FindingInputRequest.from_dict(
            {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期带队检查"}
        ),
    )
    assert findings.status_code == 200, findings.content
    assert findings.parsed.accountable is True

    fire(officer, "submit_findings")
    assert str(fire(officer, "conclude").state) == "proposing"
    fire(officer, "propose", measures=[{"subject": subject_id, "measure": "admonishment"}])
    decided = fire(leader, "approve")
    assert decided.decided_on == local_today()
    fire(officer, "deliver", delivered_on=local_today().isoformat())

    tasks = v1_executions_list.sync(client=officer, case=case_id).results
    assert len(tasks) == 3
    for task in tasks:
        client = organization if str(task.department.kind) == "organization" else officer
        done = v1_executions_complete_create.sync_detailed(id=task.id, client=client, body=NoteRequest(note="已办结"))
        assert done.status_code == 200, done.content

    closed = fire(officer, "close")
    assert str(closed.state) == "closed" and closed.available_transitions == []
