"""One rule engine, two doors (PRODUCT §2): ``manage.py assess FILE|-`` prints exactly the JSON that
``POST /api/v1/assessments/evaluate/`` answers for the same body, and both name the same field
when the input is bad (CLI: exit 2, one stderr line ``error: <field>: …``; API: 400 ``invalid``)."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from cases.tests._transitions_helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/evaluate/"
C = "2026-03-15"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def run_cli(path: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("assess", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, data, name: str = "input.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


# id, input, what the output must show (so the table really covers each outcome)
GOOD = [
    (
        "accountable-26.5-standard",
        {"circumstances": ["26.5"], "conduct_date": C},
        {"outcome": "accountable", "severity": "standard", "veto": {"applies": True, "floor_months": None}},
    ),
    ("not_pursued-no-circumstance", {"circumstances": [], "conduct_date": C}, {"outcome": "not_pursued", "accountable": False}),
    (
        "not_pursued-art31-exempt",
        {"circumstances": ["26.5"], "duties_fully_performed": True, "conduct_date": C},
        {"outcome": "not_pursued"},
    ),
    ("tolerated-art23", {"circumstances": ["26.5"], "fault_tolerance": True, "conduct_date": C}, {"outcome": "tolerated"}),
    ("heavier-art29", {"circumstances": ["26.5"], "aggravating": ["29.1"], "conduct_date": C}, {"severity": "heavier"}),
    ("lighter-art30", {"circumstances": ["26.1"], "mitigating": True, "conduct_date": C}, {"severity": "lighter"}),
    (
        "conflict-art29-and-30",
        {"circumstances": ["26.6"], "aggravating": ["29.2"], "mitigating": True, "conduct_date": C},
        {"severity": "conflict"},
    ),
    (
        "retired-lifelong-art32",
        {"circumstances": ["26.5"], "egregious": True, "cadre_status": "retired", "conduct_date": "2022-05-01"},
        {"lifelong": {"applies": True, "action": "pursue_retired"}},
    ),
    (
        "promoted-lifelong-art32",
        {"circumstances": ["26.5"], "egregious": True, "cadre_status": "promoted", "conduct_date": C},
        {"lifelong": {"applies": True, "action": "transfer_materials"}},
    ),
    (
        "crime-art27",
        {"circumstances": ["26.2"], "suspected_crime": True, "conduct_date": C},
        {"crime_referral": True, "outcome": "accountable"},
    ),
    (
        "crime-without-circumstance",
        {"circumstances": [], "suspected_crime": True, "conduct_date": C},
        {"crime_referral": True, "outcome": "not_pursued"},
    ),
    (
        "several-circumstances-repeated",
        {"circumstances": ["26.3", "26.2", "26.7", "26.3"], "conduct_date": "2021-06-11"},
        {"outcome": "accountable", "veto": {"applies": False, "floor_months": None}},
    ),
]


@pytest.mark.parametrize(("data", "expected"), [(d, e) for _i, d, e in GOOD], ids=[i for i, _d, _e in GOOD])
def test_cli_prints_the_same_json_as_the_api(world, api, tmp_path, data, expected):
    out, err = run_cli(write(tmp_path, data))
    assert err == ""
    printed = json.loads(out)
    response = api("emergency_officer").post(URL, data, format="json")
    assert response.status_code == 200, response.content
    assert printed == response.json()
    assert {key: printed[key] for key in expected} == expected
    assert printed["policy_version"] and printed["citations"] and printed["explanation"]


def test_cli_reads_stdin(world, api, tmp_path, monkeypatch):
    data = {"circumstances": ["26.4"], "aggravating": ["29.3"], "conduct_date": C}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data)))
    from_stdin, err = run_cli("-")
    assert err == ""
    assert json.loads(from_stdin) == json.loads(run_cli(write(tmp_path, data))[0])
    assert json.loads(from_stdin) == api("emergency_officer").post(URL, data, format="json").json()


BAD = [
    ("unknown-circumstance", {"circumstances": ["26.9"], "conduct_date": C}, "circumstances"),
    ("circumstances-not-a-list", {"circumstances": "26.5", "conduct_date": C}, "circumstances"),
    ("unknown-aggravating", {"circumstances": ["26.5"], "aggravating": ["29.9"], "conduct_date": C}, "aggravating"),
    ("missing-conduct_date", {"circumstances": ["26.5"]}, "conduct_date"),
    ("malformed-conduct_date", {"circumstances": ["26.5"], "conduct_date": "15/03/2026"}, "conduct_date"),
    ("before-every-rulebook", {"circumstances": ["26.5"], "conduct_date": "2018-04-07"}, "conduct_date"),
    ("in-the-future", {"circumstances": ["26.5"], "conduct_date": "2099-01-01"}, "conduct_date"),
    ("unknown-accident_grade", {"circumstances": ["26.5"], "accident_grade": "huge", "conduct_date": C}, "accident_grade"),
    (
        "egregious-and-tolerated-art32",
        {"circumstances": ["26.5"], "egregious": True, "fault_tolerance": True, "conduct_date": C},
        "fault_tolerance",
    ),
    ("flag-not-a-bool", {"circumstances": ["26.5"], "mitigating": "yes", "conduct_date": C}, "mitigating"),
    ("unknown-cadre_status", {"circumstances": ["26.5"], "cadre_status": "dead", "conduct_date": C}, "cadre_status"),
    (
        "art31-contradicts-26.1",
        {"circumstances": ["26.1"], "duties_fully_performed": True, "conduct_date": C},
        "duties_fully_performed",
    ),
    ("unknown-field", {"circumstances": ["26.5"], "conduct_date": C, "colour": "red"}, "colour"),
    ("not-an-object", ["26.5"], "(body)"),
]


@pytest.mark.parametrize(("data", "field"), [(d, f) for _i, d, f in BAD], ids=[i for i, _d, _f in BAD])
def test_bad_input_names_the_same_field_in_cli_and_api(world, api, tmp_path, data, field):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("assess", write(tmp_path, data), stdout=out, stderr=err)
    assert exited.value.code == 2
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, lines
    prefix = f"error: {field}: "
    assert lines[0].startswith(prefix), lines[0]

    response = api("emergency_officer").post(URL, data, format="json")
    body = assert_error(response, 400, "invalid", fields=(field,))
    assert set(body["detail"]) == {field}
    assert body["detail"][field] == [lines[0][len(prefix) :]]


@pytest.mark.parametrize(
    ("content", "field"),
    [("{not json", "(body)"), (None, "file")],
    ids=["invalid-json", "missing-file"],
)
def test_cli_unreadable_input_exits_2_with_one_line(db, tmp_path, content, field):
    path = write(tmp_path, content) if content is not None else str(tmp_path / "missing.json")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("assess", path, stdout=io.StringIO(), stderr=err)
    assert exited.value.code == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: "), lines
