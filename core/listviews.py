"""Users' list preferences: named saved views of a list page and the page size last chosen.

A saved view is a query string. It is checked against the parameters the list page accepts
(``allowed``) so that a stored row can only ever reproduce something the user could type in the
address bar; the page number and the live-search marker are dropped. Rows are private to their
owner: every read and delete filters on the user.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound, field_error
from core.models import ListPreference, SavedListView

PAGE_SIZES = (20, 50, 100)
MAX_VIEWS_PER_LIST = 20
NAME_MAX = SavedListView._meta.get_field("name").max_length or 60
QUERY_MAX = SavedListView._meta.get_field("query").max_length or 500
DROPPED = {"page", "partial", "csrfmiddlewaretoken"}

NAME_REQUIRED = _("Give the view a name.")
NAME_TOO_LONG = _("A view's name has at most %(n)d characters.")
QUERY_TOO_LONG = _("This view is too long to save.")
UNKNOWN_PARAMETER = _("“%(p)s” is not a filter of this list.")
TOO_MANY_VIEWS = _("You have saved the most views this list keeps (%(n)d); delete one first.")

User = AbstractBaseUser | AnonymousUser


def saved_views(user: User, list_key: str) -> list[SavedListView]:
    """The user's saved views of one list, by name. One query."""
    if not user.is_authenticated:
        return []
    return list(SavedListView.objects.filter(user_id=user.pk, list_key=list_key).order_by("name", "id"))


def clean_query(query: str, allowed: frozenset[str] | set[str]) -> str:
    """The query string as it will be stored: known parameters only, no empty values, no page."""
    pairs = []
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=False):
        if key in DROPPED:
            continue
        if key not in allowed:
            raise field_error("query", UNKNOWN_PARAMETER % {"p": key[:40]})
        pairs.append((key, value))
    cleaned = urlencode(pairs)
    if len(cleaned) > QUERY_MAX:
        raise field_error("query", QUERY_TOO_LONG)
    return cleaned


@transaction.atomic
def saved_view_save(
    *, user: AbstractBaseUser, list_key: str, name: str, query: str, allowed: frozenset[str] | set[str]
) -> SavedListView:
    """Saves the user's current view of a list under ``name``; a view of the same name is replaced."""
    name = " ".join(name.split())
    if not name:
        raise field_error("name", NAME_REQUIRED)
    if len(name) > NAME_MAX:
        raise field_error("name", NAME_TOO_LONG % {"n": NAME_MAX})
    cleaned = clean_query(query, allowed)
    existing = SavedListView.objects.select_for_update().filter(user_id=user.pk, list_key=list_key, name=name).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query"])
        return existing
    if SavedListView.objects.filter(user_id=user.pk, list_key=list_key).count() >= MAX_VIEWS_PER_LIST:
        raise field_error("name", TOO_MANY_VIEWS % {"n": MAX_VIEWS_PER_LIST})
    try:
        with transaction.atomic():
            return SavedListView.objects.create(user_id=user.pk, list_key=list_key, name=name, query=cleaned)
    except IntegrityError:  # the same name saved at the same moment in another tab
        view = SavedListView.objects.get(user_id=user.pk, list_key=list_key, name=name)
        view.query = cleaned
        view.save(update_fields=["query"])
        return view


def saved_view_delete(*, user: AbstractBaseUser, pk: int) -> SavedListView:
    """Deletes one of the user's own views; someone else's is not found."""
    view = SavedListView.objects.filter(pk=pk, user_id=user.pk).first()
    if view is None:
        raise NotFound(_("No such saved view."))
    view.delete()
    return view


def page_size_for(user: User, list_key: str, requested: str | None, default: int) -> int:
    """The page size of a list: the one asked for if it is one of ``PAGE_SIZES`` (and then
    remembered for the user), else the one remembered, else ``default``. One read; one write
    when the user picks another size."""
    wanted = int(requested) if requested and requested.isdigit() and int(requested) in PAGE_SIZES else None
    if not user.is_authenticated:
        return wanted or default
    remembered = ListPreference.objects.filter(user_id=user.pk, list_key=list_key).values_list("page_size", flat=True).first()
    if wanted is None:
        return remembered if remembered in PAGE_SIZES else default
    if wanted != remembered:
        ListPreference.objects.update_or_create(user_id=user.pk, list_key=list_key, defaults={"page_size": wanted})
    return wanted
