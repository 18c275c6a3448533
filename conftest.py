"""Shared fixtures: the demo county's reference data and its personas (STYLE §7).

Personas (all in the county of Pingluo):
- discipline_officer / discipline_officer2: officers of the county discipline organ; handle cases.
- discipline_leader / discipline_leader2: leaders there; dismiss, reject, approve (not their own proposals).
- organization_officer / organization_leader: organization department; cadre records, organizational measures.
- emergency_officer: emergency management; records accidents, refers leads.
- audit_officer, inspection_officer: referring agencies; see only status and outcome of what they referred.
- city_discipline_officer: the city's discipline organ, an outsider to the county's cases.
- admin: superuser.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.seeding import reseed


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as pytest-django makes it, with autovacuum off on PostgreSQL.

    Autovacuum analyses a test table once enough rows have come and gone (rolled-back rows
    count), and from then on the planner sees a table of four rows, where any index or none is
    as good as another: plan tests (``tests/test_query_plans.py``) passed or failed by when the
    daemon happened to run (CI of 2026-12-02). With it off, every table keeps the planner's
    never-analysed estimate for the whole run. Nothing else in the suite depends on vacuuming.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT format('ALTER TABLE %I.%I SET (autovacuum_enabled = false)', schemaname, tablename)"
                    " FROM pg_tables WHERE schemaname = current_schema()"
                )
                for (statement,) in cursor.fetchall():
                    cursor.execute(statement)


@pytest.fixture
def world(db):
    from demo.world import build_world

    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """``world`` built once for a module (like ``setUpTestData``): inside a transaction rolled back
    when the module ends, while each test runs and rolls back in a savepoint of its own. A module
    opts in with a module-scoped ``world`` fixture returning it; the data and personas are the same."""
    from django.db import transaction
    from django.test.utils import override_settings

    from demo.world import build_world

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def api(world):
    """``api("discipline_officer")`` → an APIClient authenticated by that persona's token."""
    from rest_framework.authtoken.models import Token

    def make(username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            token, _ = Token.objects.get_or_create(user=world.users[username])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture(scope="session")
def _media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root(settings, _media_dir):
    """Evidence files written by tests go to a temporary folder, never to ``.local/media``."""
    settings.MEDIA_ROOT = str(_media_dir)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing demo passwords with PBKDF2 dominates fixture time; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _policies_present(request):
    """Transactional tests empty every table when they finish, data migrations included; the
    tests after them on the same worker would find no policy. Re-seed (idempotently) whenever a
    test uses the database and the policies are gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "world"} & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")

    from cases.models import MeasurePolicy
    from duties.models import Obligation
    from rulebooks.models import Rulebook

    if MeasurePolicy.objects.exists() and Obligation.objects.exists() and Rulebook.objects.exists():
        return
    reseed()
