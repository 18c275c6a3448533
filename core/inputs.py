"""Text no database or document can hold: NUL characters and lone surrogates (issue 15, item 7).

PostgreSQL refuses a NUL in text and no encoder writes a lone surrogate (``"\\ud800"`` in JSON,
``%ED%A0%80`` in a URL), so such input used to fail deep inside a view with a 500. It is refused
at the door instead (``core.middleware.BadInputMiddleware``) and by the WebSocket consumer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate."""
    return _UNSTORABLE.search(text) is not None


def bad_urlencoded(raw: str | bytes) -> bool:
    """Whether an ``a=b&c=d`` string (a query string or a form body) decodes to unstorable text:
    a percent-escaped NUL, or bytes that are not UTF-8 (a lone surrogate among them)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def bad_json(value: Any) -> bool:
    """Whether a parsed JSON document holds unstorable text in any key or string."""
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(unstorable(str(k)) or bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(bad_json(v) for v in value)
    return False


def parse_query(raw: bytes) -> dict[str, list[str]] | None:
    """A WebSocket's query string as ``parse_qs`` gives it, or ``None`` when it is not clean UTF-8
    or holds unstorable text."""
    if bad_urlencoded(raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return parse_qs(text, errors="strict")


# --- Bounds on free text and dates (issue 15, item 10) ------------------------------------------
# A lead's facts are copied into the history on every transition: a few pages, not megabytes.
FACTS_MAX_LENGTH = 20_000
# A reason, a finding, a note: a paragraph or several.
TEXT_MAX_LENGTH = 4_000
# A short code or a username inside a list (circumstances, team).
CODE_MAX_LENGTH = 150


def too_long(limit: int) -> str:
    """The message of a text over ``limit`` characters, the one the API's serializers give."""
    from django.utils.translation import gettext as _

    return _("Ensure this field has no more than %(max)d characters.") % {"max": limit}


# No record of the people's government predates it; a date before is a typing error.
EARLIEST_YEAR = 1949


def plausible_date(value: dt.date, *, years_ahead: int = 1) -> None:
    """Refuse (``ValidationError``) a date before 1949 or after the end of the year
    ``years_ahead`` years from now: 0001-01-01 and 9999-12-31 are typing errors, not records."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    latest = timezone.localdate().year + years_ahead
    if not EARLIEST_YEAR <= value.year <= latest:
        raise ValidationError(
            _("Give a date between %(earliest)d and %(latest)d.") % {"earliest": EARLIEST_YEAR, "latest": latest},
            code="implausible_date",
        )


# A day ahead of the server's local date: a client a time zone east of it may already be there.
PAST_TOLERANCE = dt.timedelta(days=1)


def past_date(value: dt.date) -> None:
    """Refuse (``ValidationError``) a date of something that happened (a conduct, a delivery, a
    duty done, an appeal filed) before 1949 or after today (a day's tolerance for time zones).
    Deadlines and planned dates take ``plausible_date`` instead."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    latest = timezone.localdate() + PAST_TOLERANCE
    if value.year < EARLIEST_YEAR or value > latest:
        raise ValidationError(
            _("Give a date between %(earliest)d and today.") % {"earliest": EARLIEST_YEAR}, code="implausible_date"
        )


def past_datetime(value: dt.datetime) -> None:
    """``past_date`` for a moment (an accident, a report): before 1949 or after now (and a day)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    if value.year < EARLIEST_YEAR or aware > timezone.now() + PAST_TOLERANCE:
        raise ValidationError(
            _("Give a time between %(earliest)d and now.") % {"earliest": EARLIEST_YEAR}, code="implausible_date"
        )
