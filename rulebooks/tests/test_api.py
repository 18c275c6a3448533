"""API v1 of the rulebooks over HTTP (issue 13 item 3): read-only, for every signed-in user of
either county; 401 for nobody, 404 for an unknown code or version, 400 for a bad parameter."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rulebooks import content as files
from rulebooks import selectors
from rulebooks.services import load_rulebook

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def _version_2() -> None:
    data = files.parse(files.dump(selectors.rulebook_file(selectors.rulebook_by_code("pingluo-2021"))))
    data["content"]["articles"]["26.1"]["text"] += "（修订）"
    data["content"]["veto"] = {"floor_months": 12, "cite": "第二十八条"}
    data["content"]["measures"] = [
        r for r in data["content"]["measures"] if (r["circumstance"], r.get("grade")) != ("26.5", "major")
    ]
    load_rulebook(data, acting_user=None, reason="测试修订")


def test_nobody_gets_401_everywhere():
    client = APIClient()
    for url in ("/api/v1/rulebooks/", "/api/v1/rulebooks/pingluo-2021/", "/api/v1/rulebooks/schema.json"):
        response = client.get(url)
        assert response.status_code == 401 and response.json()["error"] == "not_authenticated", url


@pytest.mark.parametrize("persona", ["discipline_officer", "huinong_organization_officer", "city_discipline_officer"])
def test_every_signed_in_user_reads_the_rulebooks(api, persona):
    client = api(persona)
    listing = client.get("/api/v1/rulebooks/")
    assert listing.status_code == 200
    rows = {row["code"]: row for row in listing.json()["results"]}
    assert set(rows) >= {"national-2018", "pingluo-2021"}
    pingluo = rows["pingluo-2021"]
    assert pingluo["jurisdiction"] == "pingluo" and pingluo["jurisdiction_name"] == "平罗县"
    assert pingluo["parent"] == "national-2018" and pingluo["verification"] == "verified-p"
    assert pingluo["version"] == 1 and pingluo["valid_from"] == "2021-06-11" and pingluo["valid_to"] is None
    assert rows["national-2018"]["jurisdiction"] == "" and rows["national-2018"]["jurisdiction_name"] == "全国"
    assert rows["national-2018"]["document_number"] == "厅字〔2018〕13号"


def test_a_rulebook_has_its_versions_and_effective_content(api):
    _version_2()
    body = api("discipline_officer").get("/api/v1/rulebooks/pingluo-2021/").json()
    assert body["version"] == 2 and body["current"] is True
    assert [(v["version"], v["current"], v["reason"]) for v in body["versions"]] == [(2, True, "测试修订"), (1, False, "")]
    effective = body["effective"]
    assert [c["code"] for c in effective["chain"]] == ["national-2018", "pingluo-2021"]
    assert effective["version"].startswith("pingluo-2021@")
    assert effective["content"]["articles"]["26.1"]["text"].endswith("（修订）")
    assert effective["content"]["veto"]["floor_months"] == 12
    # the rows pingluo no longer states come from the national rules, and say so
    assert effective["sources"]["measures"]["26.5/heavier/major"] == "national-2018"
    assert effective["sources"]["measures"]["26.5/heavier/general"] == "pingluo-2021"
    assert body["content"] == selectors.rulebook_by_code("pingluo-2021").content  # its own content, as the file states it


def test_one_version(api):
    _version_2()
    client = api("discipline_officer")
    old = client.get("/api/v1/rulebooks/pingluo-2021/versions/1/")
    assert old.status_code == 200
    assert (old.json()["version"], old.json()["current"]) == (1, False)
    assert old.json()["content"]["articles"]["26.1"]["text"] == "履行本细则第二章、第三章所规定职责不到位的"
    assert client.get("/api/v1/rulebooks/pingluo-2021/versions/2/").json()["reason"] == "测试修订"


def test_the_diff_between_two_versions(api):
    _version_2()
    client = api("huinong_discipline_officer")
    body = client.get("/api/v1/rulebooks/pingluo-2021/diff/?from=1&to=2").json()
    assert (body["code"], body["from_version"], body["to_version"], body["unchanged"]) == ("pingluo-2021", 1, 2, False)
    assert [a["code"] for a in body["articles"]["changed"]] == ["26.1"]
    assert body["articles"]["changed"][0]["fields"] == ["text"]
    assert {r["key"] for r in body["measures"]["removed"]} == {
        f"26.5/{s}/major" for s in ("standard", "heavier", "lighter", "reduced")
    }
    assert body["veto"]["new"] == {"floor_months": 12, "cite": "第二十八条"}
    # the defaults: to the current version, from the one before it
    assert client.get("/api/v1/rulebooks/pingluo-2021/diff/").json() == body
    backwards = client.get("/api/v1/rulebooks/pingluo-2021/diff/?from=2&to=1").json()
    assert {r["key"] for r in backwards["measures"]["added"]} == {r["key"] for r in body["measures"]["removed"]}
    assert client.get("/api/v1/rulebooks/pingluo-2021/diff/?from=2&to=2").json()["unchanged"] is True


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/rulebooks/ningxia-2018/", 404),
        ("/api/v1/rulebooks/ningxia-2018/diff/?from=1&to=2", 404),
        ("/api/v1/rulebooks/pingluo-2021/versions/7/", 404),
        ("/api/v1/rulebooks/pingluo-2021/versions/0/", 404),
        ("/api/v1/rulebooks/pingluo-2021/versions/99999999999999999999999/", 404),
        ("/api/v1/rulebooks/pingluo-2021/diff/?from=1&to=7", 404),
        ("/api/v1/rulebooks/pingluo-2021/diff/?from=x&to=1", 400),
        ("/api/v1/rulebooks/pingluo-2021/diff/?from=1&to=-1", 400),
        ("/api/v1/rulebooks/pingluo-2021/diff/", 404),  # v1 has no earlier version: nothing to compare with
        ("/api/v1/rulebooks/Not_A_Code/", 404),
    ],
)
def test_unknown_codes_and_versions_and_bad_parameters(api, url, status):
    response = api("discipline_officer").get(url)
    assert response.status_code == status, response.content
    assert set(response.json()) >= {"error", "detail"}


def test_the_diff_without_an_earlier_version_says_so_in_both_languages(api):
    detail = api("discipline_officer").get("/api/v1/rulebooks/pingluo-2021/diff/").json()["detail"]
    assert "没有更早的版本" in detail and "has no earlier version" in detail


def test_nothing_writes(api):
    client = api("discipline_leader")
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/rulebooks/pingluo-2021/", {}, format="json").status_code == 405
    assert client.post("/api/v1/rulebooks/", {}, format="json").status_code == 405


def test_schema_json_is_the_published_schema(api):
    response = api("audit_officer").get("/api/v1/rulebooks/schema.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json() == json.loads(files.SCHEMA_PATH.read_text(encoding="utf-8"))


def test_the_list_reads_in_a_constant_number_of_queries(api):
    client = api("discipline_officer")
    client.get("/api/v1/rulebooks/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/rulebooks/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    load_rulebook(files.parse((files.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8")), acting_user=None, reason="测试")
    assert count() == before


def test_the_openapi_schema_documents_the_endpoints_and_their_404s(api):
    schema = api("discipline_officer").get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/rulebooks/",
        "/api/v1/rulebooks/{code}/",
        "/api/v1/rulebooks/{code}/versions/{number}/",
        "/api/v1/rulebooks/{code}/diff/",
        "/api/v1/rulebooks/schema.json",
    ):
        assert set(paths[path]) == {"get"}, path
        assert "401" in paths[path]["get"]["responses"], path
    for path in ("/api/v1/rulebooks/{code}/", "/api/v1/rulebooks/{code}/versions/{number}/", "/api/v1/rulebooks/{code}/diff/"):
        assert "404" in paths[path]["get"]["responses"], path
    assert "400" in paths["/api/v1/rulebooks/{code}/diff/"]["get"]["responses"]
