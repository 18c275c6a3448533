"""Template context for every page: which sections of the navigation the user's department uses.

Register as ``"web.context_processors.zeren_nav"`` in ``TEMPLATES[0]["OPTIONS"]["context_processors"]``.
The membership is read lazily (only when a template asks) and through ``membership_of``, which
caches it on the user, so the services called by the same request reuse it.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from cases.selectors.handling import ACCIDENT_KINDS
from cases.selectors.records import RECORD_READERS
from duties.selectors.scope import KEEPERS as DUTY_KEEPERS
from duties.selectors.scope import READERS as DUTY_READERS
from org.access import county_of, membership_of
from org.models import Department


def _nav(user) -> dict:
    if user.is_superuser:
        return {
            "kind": "",
            "records": True,
            "accidents": True,
            # Filing a lead and the referral lists are a department's: an administrator without
            # one met three 403s from the navigation (issue 16).
            "department": membership_of(user) is not None,
            "ledger": True,
            "assessment": True,
            "assessment_keeper": True,
        }
    membership = membership_of(user)
    kind = membership.department.kind if membership else ""
    in_county = membership is not None and county_of(membership.department).level == Department.Level.COUNTY
    return {
        "kind": kind,
        "records": kind in RECORD_READERS,
        "accidents": kind in ACCIDENT_KINDS,
        "department": membership is not None,
        # Every department keeps its own leaders' ledger; keepers and the discipline organ see the county's.
        "ledger": membership is not None,
        # Chapters 4–5 are a county safety committee's business (city organs get 403 there).
        "assessment": kind in DUTY_READERS and in_county,
        "assessment_keeper": kind in DUTY_KEEPERS and in_county,
    }


def zeren_nav(request) -> dict:
    nonce = {"csp_nonce": getattr(request, "csp_nonce", "")}  # inline scripts carry it (CSP)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return nonce
    return {**nonce, "zeren_nav": SimpleLazyObject(lambda: _nav(user))}
