"""The payload of each transition: one ``Input`` serializer per shape, shared by the API and the
UI (both hand the payload to ``case_transition``, which parses it here).

The messages are a public contract the tests assert on, so the fields raise the project's own
``field_error`` (400 ``invalid_input``) rather than DRF's texts, and the first failing field wins,
in the order the fields are declared: the order the checks ran before they became serializers.
A field receives what the payload holds, or its ``absent`` value when the key is absent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.lifecycle.measures import validate_measures
from cases.lifecycle.referrals import CrimeReferralRequest, parse_crime_referrals
from cases.models import Case, CaseSubject
from core.errors import InvalidInput, field_error
from core.persistence import local_today
from core.typing import Actor
from org.models import Department

TEXT_MAX_LENGTH = 5000


class TransitionInput(serializers.Serializer[Any]):
    """Base of the payload serializers. Context: ``case`` (locked) and ``reason_required``."""

    @classmethod
    def reject_unknown(cls, payload: dict[str, Any]) -> None:
        """A key the transition does not take is an error, before anything else is checked."""
        extra = sorted(set(payload) - set(cls._declared_fields))
        if extra:
            raise InvalidInput({name: [_("Unknown field for this transition.")] for name in extra})

    def to_internal_value(self, data: dict[str, Any]) -> dict[str, Any]:
        # cast: every field an Input declares is a ``_Field`` (the classes below), so it has ``absent``.
        return {
            name: field.to_internal_value(data.get(name, cast("_Field", field).absent)) for name, field in self.fields.items()
        }


class _Field(serializers.Field[Any, Any, Any, Any]):
    absent: Any = None
    # Declared, not assigned: DRF's ``bind`` names the field when its serializer is built, before
    # any ``to_internal_value``, so where these fields read it it is never the initial ``None``.
    field_name: str

    def to_representation(self, value: Any) -> Any:
        return value


class Reason(_Field):
    """Stripped text up to 5,000 characters, required when the transition's spec row says so."""

    absent = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        name = self.field_name
        required = bool(self.context.get("reason_required"))
        if not isinstance(data, str):
            raise field_error(name, _("Expected text."))
        value = data.strip()
        if required and not value:
            raise field_error(name, _("This field is required."))
        if len(value) > TEXT_MAX_LENGTH:
            raise field_error(name, _("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH})
        return value


class Unchecked(_Field):
    """Accepted and ignored (``deliver`` takes a ``reason`` key but records none)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        return data


class ReceivingDepartment(_Field):
    """A department id other than the case's owner; the route is checked by the handler."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> Department:
        name = self.field_name
        if not isinstance(data, int) or isinstance(data, bool):
            raise field_error(name, _("Expected a department id."))
        target = Department.objects.filter(pk=data).first()
        if target is None:
            raise field_error(name, _("No department with id %(id)s.") % {"id": data})
        if target.pk == self.context["case"].owner_department_id:
            raise field_error(name, _("The case is already handled by this department."))
        return target


class Team(_Field):
    """Usernames of at least two active members of the handling department."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> list[Actor]:
        name = self.field_name
        if not isinstance(data, list) or not all(isinstance(u, str) for u in data):
            raise field_error(name, _("Expected a list of usernames."))
        names = list(dict.fromkeys(data))
        # 问责条例释义: an investigation team has at least two members (domain-facts §1.4).
        if len(names) < 2:
            raise field_error(name, _("An investigation team needs at least two members."))
        case = self.context["case"]
        users = list(
            get_user_model().objects.filter(
                username__in=names, is_active=True, membership__department_id=case.owner_department_id
            )
        )
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise field_error(name, _("Not active members of the handling department: %(names)s") % {"names": ", ".join(missing)})
        return users


class Measures(_Field):
    """``[{subject, measure, sanction_kind?}]`` checked by ``validate_measures``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> list[tuple[CaseSubject, str, str]]:
        return validate_measures(self.context["case"], data)


class CrimeReferrals(_Field):
    """``[{subject, crime?, to_department?, note?}]``: where the suspected crimes go (Art. 27),
    checked by ``parse_crime_referrals``; absent, every one goes to the discipline organ."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> list[CrimeReferralRequest]:
        return parse_crime_referrals(self.context["case"], data)


class DeliveryDate(_Field):
    """An ISO date, not before the decision and not in the future."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> dt.date:
        name = self.field_name
        if not data:
            raise field_error(name, _("This field is required."))
        if isinstance(data, dt.date):
            value = data
        else:
            try:
                value = dt.date.fromisoformat(str(data))
            except ValueError as exc:
                raise field_error(name, _("Expected an ISO date such as 2026-01-31.")) from exc
        decided_on = self.context["case"].decided_on
        if decided_on and value < decided_on:
            raise field_error(name, _("Delivery cannot be before the decision (%(d)s).") % {"d": decided_on})
        if value > local_today():
            raise field_error(name, _("Delivery cannot be in the future."))
        return value


# --- one Input per payload shape ------------------------------------------------------------------


class NoInput(TransitionInput):
    """``submit_findings``: no payload."""


class ConcludeInput(TransitionInput):
    """``conclude``: optionally where each suspected crime is referred, and a remark."""

    crime_referrals = CrimeReferrals()
    reason = Reason()


class ReasonInput(TransitionInput):
    """A reason, required when the transition says so."""

    reason = Reason()


class TransferInput(TransitionInput):
    reason = Reason()
    to_department = ReceivingDepartment()


class AcceptInput(TransitionInput):
    team = Team()
    reason = Reason()


class ProposeInput(TransitionInput):
    measures = Measures()
    reason = Reason()


class DeliverInput(TransitionInput):
    delivered_on = DeliveryDate()
    reason = Unchecked()


def parse(input_class: type[TransitionInput], payload: dict[str, Any], *, case: Case, reason_required: bool) -> dict[str, Any]:
    """The validated payload, or ``InvalidInput`` naming the first field that failed."""
    serializer = input_class(data=payload, context={"case": case, "reason_required": reason_required})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
