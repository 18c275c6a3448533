"""Art. 34 routing as a table, read the same way by cases (execution tasks) and workflows (the
branches and their queues), and the fast path's guard against another viewflow version."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from django.core.exceptions import ImproperlyConfigured

from cases.codes import MEASURE_ORDER
from cases.lifecycle.routing import DECIDING, execution_route, measures_routed_to
from org.codes import DepartmentKind
from workflows import fast_path
from workflows.branches import BRANCH_BY_ROUTE, BRANCHES

# PRODUCT §1.4 / Art. 34: who carries out each Art. 27 measure, and the branch it waits in.
ROUTES = [
    ("notice", DECIDING, "execute_notice"),
    ("admonishment", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("suspension", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("reassignment", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("ordered_resignation", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("demotion", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("dismissal", DepartmentKind.ORGANIZATION, "execute_organization"),
    ("sanction", DepartmentKind.DISCIPLINE, "execute_discipline"),
]


@pytest.mark.parametrize(("measure", "route", "branch"), ROUTES)
def test_execution_route_of_each_measure(measure, route, branch):
    assert execution_route(measure) == route
    assert BRANCH_BY_ROUTE[execution_route(measure)] == branch
    assert BRANCHES[branch] == ("measure", route)
    assert measure in measures_routed_to(route)


def test_the_table_covers_every_art27_measure_once():
    assert [m for m, _r, _b in ROUTES] == MEASURE_ORDER
    routed = [m for r in {r for _m, r, _b in ROUTES} for m in measures_routed_to(r)]
    assert sorted(routed) == sorted(MEASURE_ORDER)


def test_the_fast_path_is_written_for_the_installed_viewflow():
    assert version("django-viewflow") == fast_path.VIEWFLOW_VERSION == "2.4.0"
    fast_path.check_viewflow_version("2.4.0")


def test_another_viewflow_version_fails_loudly_naming_the_comparison_test():
    with pytest.raises(ImproperlyConfigured) as error:
        fast_path.check_viewflow_version("2.5.0")
    message = str(error.value)
    assert "2.5.0" in message and "workflows/tests/test_fast_path.py" in message and "contract" in message
