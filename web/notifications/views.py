"""The notification centre (issue 16 item 1): the user's notifications, unread first, filtered by
kind and case, each linking to where it is acted on; marking one or all read.

Reads through ``notifications.selectors``, writes through ``notifications.services.mark_read``
(which also pushes the new unread count to the user's open pages)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.kinds import KIND_LABELS, kind_label
from notifications.models import Notification
from notifications.selectors import notification_cases_of, notification_of, notification_page_qs, unread_count
from notifications.services import mark_read
from web.common.helpers import case_url

PAGE_SIZE = 30


@dataclass
class Row:
    notification: Notification
    label: str
    target: str | None  # where the notification is acted on
    case_number: str


def _target(n: Notification) -> str | None:
    """Where to act on it: a referral on the referrals page (the case opens to the target only
    once accepted), an appeal on its decision form, anything else on its case page."""
    try:
        if n.referral_id:
            return reverse("web:referrals")
        if n.appeal_id:
            return reverse("web:appeal_decide", args=[n.appeal_id])
    except NoReverseMatch:
        pass
    # The stored link is written by the rules (a path of this site); anything else is not followed.
    if n.link.startswith("/") and not n.link.startswith("//"):
        return n.link
    return case_url(n.case_id) if n.case_id else None


def _filters(request) -> tuple[str, int | None]:
    kind = request.GET.get("kind", "")
    if kind not in KIND_LABELS:
        kind = ""
    raw = request.GET.get("case", "")
    case_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
    return kind, case_id


@login_required
def notification_list(request):
    kind, case_id = _filters(request)
    page = Paginator(notification_page_qs(request.user, kind=kind, case_id=case_id), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [Row(n, kind_label(n.kind), _target(n), n.case.number if n.case_id else "") for n in page.object_list]
    query = urlencode({k: v for k, v in (("kind", kind), ("case", case_id or "")) if v})
    context = {
        "rows": rows,
        "page": page,
        "query": query,
        "kind": kind,
        "case_id": case_id,
        "kinds": list(KIND_LABELS.items()),  # in the table's order: roughly the order of the process
        "cases": notification_cases_of(request.user),
        "unread": unread_count(request.user.pk),
        "here": request.get_full_path(),
    }
    return render(request, "web/notifications/list.html", context)


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:notifications")


@login_required
@require_POST
def notification_read(request, pk: int):
    if notification_of(request.user, pk) is None:
        raise Http404  # not the user's: no difference between another's and none
    mark_read(user=request.user, notification_ids=[pk])
    return redirect(_back(request))


@login_required
@require_POST
def notifications_read_all(request):
    marked = mark_read(user=request.user)
    messages.success(request, _("Marked %(n)d notifications read.") % {"n": marked})
    return redirect(_back(request))
