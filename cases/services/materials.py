"""Case materials (案件材料, issue 16 item 8): add, add a new version, withdraw with a reason; never
delete. The upload is checked as duty evidence is (``duties.services.ledger.check_upload``: type
by content, size limit, archive and polyglot checks). Written by a member of the handling
department; read by everyone who sees the case in full (``cases.selectors.materials``).

Policy for ended cases: once a case is closed, disposed of or not pursued (``TERMINAL_STATES``)
its file is sealed: no material is added, replaced or withdrawn. Materials found later go with a
reopened or new case. Each step appends a case event and a signed history row naming who and why;
nothing is written when a step is refused.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import TERMINAL_STATES, CaseEventKind, CaseState
from cases.models import Case, CaseMaterial
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, NotFound, PreconditionFailed, field_error
from core.inputs import TEXT_MAX_LENGTH
from core.persistence import lock, save_with_history
from core.typing import Actor
from duties.services.ledger import check_upload, safe_name
from org.access import require_member_of

TITLE_MAX_LENGTH = 200
SEALED = gettext_lazy("The case has ended (%(s)s): its materials can no longer be added, replaced or withdrawn.")
WITHDRAWN = gettext_lazy("This material was withdrawn on %(d)s; it gets no new version.")
ALREADY_WITHDRAWN = gettext_lazy("This material was already withdrawn on %(d)s.")
NOT_LATEST = gettext_lazy("Version %(v)s was replaced by a later one; add the new version to the latest (version %(latest)s).")
NO_TITLE = gettext_lazy("Give the material a title.")
LONG_TITLE = gettext_lazy("The title has at most %(n)d characters.")
BAD_KIND = gettext_lazy("Choose the kind of material: %(kinds)s.")
NO_REASON = gettext_lazy("Give the reason for withdrawing the material.")


def _writable(case: Case, acting_user: Actor) -> None:
    require_member_of(acting_user, case.owner_department_id)
    if case.state in TERMINAL_STATES:
        raise PreconditionFailed(SEALED % {"s": CaseState(case.state).label}, extra={"state": case.state})


def _title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise field_error("title", NO_TITLE)
    if len(title) > TITLE_MAX_LENGTH:
        raise field_error("title", LONG_TITLE % {"n": TITLE_MAX_LENGTH})
    return title


def _kind(kind: str | None) -> str:
    if kind not in CaseMaterial.Kind.values:
        raise field_error("kind", BAD_KIND % {"kinds": "、".join(str(label) for label in CaseMaterial.Kind.labels)})
    return kind


def _material(case: Case, material_id: int) -> CaseMaterial:
    material = CaseMaterial.objects.filter(case=case, pk=material_id).first()
    if material is None:
        raise NotFound(NOT_FOUND)
    return material


def _write(
    case: Case, material: CaseMaterial, upload: UploadedFile[bytes], *, kind: str, reason: str, acting_user: Actor
) -> CaseMaterial:
    """Check the upload, then write the file, the row and the case event. Everything is checked
    before the file is written; a failure after that deletes the file, so none outlives a
    refused step."""
    content_type, content = check_upload(upload, field="file")
    material.original_name = safe_name(upload.name, default="material")
    material.content_type = content_type
    material.size = len(content)
    material.sha256 = hashlib.sha256(content).hexdigest()
    material.uploaded_by = acting_user
    material.uploaded_at = timezone.now()
    material.file.save("upload", ContentFile(content), save=False)
    try:
        save_with_history(material, acting_user=acting_user, reason=reason)
        case_event_record(
            case=case,
            kind=kind,
            acting_user=acting_user,
            from_state=case.state,
            to_state=case.state,
            payload=_payload(material),
        )
    except Exception:
        material.file.delete(save=False)
        raise
    return material


@transaction.atomic
def material_add(*, case_id: int, kind: str, title: str, upload: UploadedFile[bytes] | None, acting_user: Actor) -> CaseMaterial:
    """Attach a new material (version 1 of a new series) to a case, by a member of the handling
    department while the case has not ended. Appends a ``material_added`` event."""
    case = lock(Case, case_id)
    _writable(case, acting_user)
    kind, title = _kind(kind), _title(title)
    if upload is None:
        raise field_error("file", _("Attach a file."))
    material = CaseMaterial(case=case, kind=kind, title=title, version=1)
    return _write(case, material, upload, kind=CaseEventKind.MATERIAL_ADDED, reason="material added", acting_user=acting_user)


@transaction.atomic
def material_new_version(
    *,
    case_id: int,
    material_id: int,
    upload: UploadedFile[bytes] | None,
    title: str | None = None,
    acting_user: Actor,
) -> CaseMaterial:
    """Add a new version of a material: a new row in the same series that supersedes the latest
    version (``material_id`` must be it), with the same kind and, unless ``title`` is given, the
    same title. The earlier versions stay (and stay cited). Appends a ``material_versioned``
    event."""
    case = lock(Case, case_id)
    _writable(case, acting_user)
    previous = _material(case, material_id)
    if previous.withdrawn_at is not None:
        raise PreconditionFailed(WITHDRAWN % {"d": timezone.localdate(previous.withdrawn_at).isoformat()})
    latest = CaseMaterial.objects.filter(series=previous.series).order_by("-version").first()
    assert latest is not None  # ``previous`` is in the series
    if latest.pk != previous.pk:
        raise PreconditionFailed(NOT_LATEST % {"v": previous.version, "latest": latest.version})
    title = _title(title) if (title or "").strip() else previous.title
    if upload is None:
        raise field_error("file", _("Attach a file."))
    material = CaseMaterial(
        case=case,
        series=previous.series,
        version=previous.version + 1,
        supersedes=previous,
        kind=previous.kind,
        title=title,
    )
    return _write(
        case, material, upload, kind=CaseEventKind.MATERIAL_VERSIONED, reason="new version of a material", acting_user=acting_user
    )


@transaction.atomic
def material_withdraw(*, case_id: int, material_id: int, reason: str, acting_user: Actor) -> CaseMaterial:
    """Withdraw (撤回) a material with a reason: every version of its series is marked, none is
    deleted; findings that cite one keep citing it and show it withdrawn. Returns the version
    given. Appends a ``material_withdrawn`` event."""
    case = lock(Case, case_id)
    _writable(case, acting_user)
    material = _material(case, material_id)
    if material.withdrawn_at is not None:
        raise PreconditionFailed(ALREADY_WITHDRAWN % {"d": timezone.localdate(material.withdrawn_at).isoformat()})
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", NO_REASON)
    if len(reason) > TEXT_MAX_LENGTH:
        raise field_error("reason", _("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH})
    now = timezone.now()
    for version in CaseMaterial.objects.filter(series=material.series).order_by("version"):
        version.withdrawn_at, version.withdrawn_by, version.withdraw_reason = now, acting_user, reason
        save_with_history(version, acting_user=acting_user, reason=f"withdrawn: {reason}")
        if version.pk == material.pk:
            material = version
    case_event_record(
        case=case,
        kind=CaseEventKind.MATERIAL_WITHDRAWN,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload=_payload(material),
    )
    return material


def _payload(material: CaseMaterial) -> dict[str, object]:
    return {
        "material": material.pk,
        "series": material.series,
        "version": material.version,
        "kind": material.kind,
        "title": material.title,
        "file_name": material.original_name,
        "sha256": material.sha256,
        "size": material.size,
        **({"supersedes": material.supersedes_id} if material.supersedes_id else {}),
    }
