"""The admin shows rulebook versions read-only, with the digest and a link to the page."""

from __future__ import annotations

import pytest

from rulebooks.models import Rulebook

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser("rb_admin", "rb@example.org", "x")
    client.force_login(admin)
    return client


def test_the_change_page_links_to_the_rulebook_page_and_shows_the_digest(admin_client_):
    book = Rulebook.objects.get(code="pingluo-2021", current=True)
    html = admin_client_.get(f"/admin/rulebooks/rulebook/{book.pk}/change/").content.decode()
    assert f'href="/rulebooks/pingluo-2021/versions/{book.version}/"' in html
    assert book.digest in html
    assert "<textarea" not in html and 'type="text"' not in html and 'name="_save"' not in html  # nothing to type into
    listing = admin_client_.get("/admin/rulebooks/rulebook/").content.decode()
    assert book.digest[:12] in listing


def test_nothing_is_editable(admin_client_):
    book = Rulebook.objects.get(code="national-2018")
    before = (book.title, book.digest, Rulebook.objects.count())
    admin_client_.post(f"/admin/rulebooks/rulebook/{book.pk}/change/", {"title": "改"})
    assert admin_client_.get("/admin/rulebooks/rulebook/add/").status_code == 403
    assert admin_client_.post(f"/admin/rulebooks/rulebook/{book.pk}/delete/", {"post": "yes"}).status_code == 403
    book.refresh_from_db()
    assert (book.title, book.digest, Rulebook.objects.count()) == before
