"""Fixtures of the case-lifecycle API tests (test_api_transitions.py, test_api_transitions_payloads.py)."""

from __future__ import annotations

import pytest
from django.db import transaction

from cases.tests._transitions_helpers import STATES, Shared, reach


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    from demo.world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            cases = {}
            for state in STATES:
                case = reach(world, state)
                assert case.state == state
                cases[state] = case.pk
            yield Shared(world, cases)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
