"""Duty records and their evidence (PRODUCT §3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PreconditionFailed, field_error
from core.persistence import lock, save_with_history
from core.typing import Actor
from duties.codes import Organ
from duties.models import DutyRecord, Evidence, Obligation
from duties.selectors.catalog import CatalogChoice, catalog_for
from duties.selectors.ledger import record_organizations
from duties.selectors.organs import office_of, organs_of
from duties.services.access import require_ledger_access
from duties.services.archives import ZIP_LOCAL, ArchiveRefused, inspect_zip, polyglot
from org.access import membership_of
from org.codes import Role
from org.models import Cadre, Department, Post

# Allowed evidence: what a county office scans or writes. The type is judged by the content's
# first bytes; the name's extension must agree with it.
SIGNATURES = {
    "application/pdf": ((b"%PDF-",), {".pdf"}),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), {".png"}),
    "image/jpeg": ((b"\xff\xd8\xff",), {".jpg", ".jpeg"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ((b"PK\x03\x04",), {".docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ((b"PK\x03\x04",), {".xlsx"}),
    "application/ofd": ((b"PK\x03\x04",), {".ofd"}),
}
ALLOWED_EXTENSIONS = sorted({ext for _sig, exts in SIGNATURES.values() for ext in exts})


# Office and OFD files are zip packages: the package must also hold the part that makes it one.
ZIP_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".ofd": "OFD.xml"}


def sniff(name: str, head: bytes, content: bytes | None = None) -> str | None:
    """The content type of an upload if its first bytes and its extension agree (and, for a zip
    package, its main part is there), else None."""
    ext = os.path.splitext(name or "")[1].lower()
    for content_type, (signatures, extensions) in SIGNATURES.items():
        if ext in extensions and any(head.startswith(sig) for sig in signatures):
            if ext in ZIP_PARTS and content is not None and not _zip_has(content, ZIP_PARTS[ext]):
                return None
            return content_type
    return None


def _zip_has(content: bytes, part: str) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return part in package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def check_upload(upload: UploadedFile[bytes], field: str = "evidence") -> tuple[str, bytes]:
    """Validate an uploaded file; returns ``(content type, content)`` or raises a 400 naming it."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    limit = settings.ZEREN_EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise field_error(
            field,
            _("“%(name)s” is %(size)s bytes; the limit is %(limit)s bytes.") % {"name": name, "size": size, "limit": limit},
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise field_error(field, _("“%(name)s” is larger than the limit of %(limit)s bytes.") % {"name": name, "limit": limit})
    if not content:
        raise field_error(field, _("“%(name)s” is empty.") % {"name": name})
    # A zip package is inspected before anything opens it to look for its main part.
    is_zip = content.startswith(ZIP_LOCAL)
    if is_zip:
        try:
            inspect_zip(content)
        except ArchiveRefused as exc:
            raise field_error(field, _("“%(name)s” is refused: %(reason)s") % {"name": name, "reason": exc}) from exc
    content_type = sniff(name, content[:16], content)
    if content_type is None:
        raise field_error(
            field,
            _("“%(name)s” is not an accepted file: its content must be one of %(types)s, with the matching extension.")
            % {"name": name, "types": ", ".join(ALLOWED_EXTENSIONS)},
        )
    if polyglot(content, is_zip=is_zip):
        raise field_error(
            field,
            _("“%(name)s” is refused: its content is also read as another type of file (a polyglot).") % {"name": name},
        )
    return content_type, content


def check_uploads(files: Iterable[UploadedFile[bytes]], field: str = "evidence") -> list[tuple[UploadedFile[bytes], str, bytes]]:
    """Validate the files of one upload, at most ``ZEREN_EVIDENCE_MAX_FILES`` of them, before any
    is stored; returns ``(upload, content type, content)`` for each or raises a 400 naming ``field``."""
    files = list(files)
    limit = settings.ZEREN_EVIDENCE_MAX_FILES
    if len(files) > limit:
        raise field_error(
            field, _("%(n)d files were sent; at most %(limit)d go in one upload.") % {"n": len(files), "limit": limit}
        )
    return [(upload, *check_upload(upload, field)) for upload in files]


def safe_name(name: str | None, default: str = "evidence") -> str:
    """The client's file name as kept for the download: no directory, no NUL, at most 200 characters."""
    name = os.path.basename(name or "").replace("\x00", "").strip() or default
    return name[-200:]


def _evidence_save(
    record: DutyRecord, upload: UploadedFile[bytes], content_type: str, content: bytes, acting_user: Actor
) -> Evidence:
    evidence = Evidence(
        record=record,
        original_name=safe_name(upload.name),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    # Everything is validated before the first file is written; a database error after this
    # point deletes the file it wrote.
    evidence.file.save("upload", ContentFile(content), save=False)
    try:
        save_with_history(evidence, acting_user=acting_user, reason="evidence")
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def post_for(cadre: Cadre, obligation: Obligation, day: dt.date) -> Post | None:
    """The post the cadre held on ``day`` in a role the obligation binds, or None."""
    for post in cadre.posts.all().order_by("-start", "-id"):
        if post.role in obligation.roles and post.held_on(day):
            return post
    return None


def _check_date(obligation: Obligation, date: dt.date) -> None:
    if date > timezone.localdate():
        raise field_error("date", _("The date is in the future."))
    if date < obligation.valid_from or (obligation.valid_to and date > obligation.valid_to):
        raise field_error("date", _("This duty was not in force on %(d)s.") % {"d": date})


def _check_catalog(obligation: Obligation, choice: CatalogChoice, place: str, date: dt.date) -> None:
    """The duty must be of the catalog that measures ``place`` on ``date`` (issue 13): a Huinong
    post is never recorded against 平罗县's catalog."""
    if choice.catalog == obligation.rulebook:
        return
    raise field_error(
        "obligation",
        _("%(citation)s is a duty of the catalog of %(rulebook)s, which does not measure %(place)s on %(d)s (%(detail)s).")
        % {"citation": obligation.citation, "rulebook": obligation.rulebook, "d": date, "place": place, "detail": choice.detail},
    )


@transaction.atomic
def record_create(
    *,
    acting_user: Actor,
    cadre: Cadre,
    obligation: Obligation,
    date: dt.date,
    note: str = "",
    files: Iterable[UploadedFile[bytes]] = (),
) -> DutyRecord:
    """Record that ``cadre`` did ``obligation``'s activity on ``date``, with evidence files.

    The record counts towards the obligation of the role the cadre held that day: a date on
    which the cadre held no role the obligation binds is refused, naming the roles, and so is a
    duty of another rulebook's catalog than the one measuring that post (issue 13)."""
    cadre = lock(Cadre, cadre.pk)
    organizations = set(cadre.posts.values_list("organization_id", flat=True))
    require_ledger_access(acting_user, organizations, write=False)
    if obligation.organs and not obligation.roles:
        organs = "、".join(str(Organ(o).label) for o in obligation.organs)
        raise field_error(
            "obligation",
            _("%(citation)s is a duty of an organ (%(organs)s), not of a cadre: record it for the organ.")
            % {"citation": obligation.citation, "organs": organs},
        )
    _check_date(obligation, date)
    post = post_for(cadre, obligation, date)
    if post is None:
        roles = "、".join(str(Role(r).label) for r in obligation.roles)
        raise field_error(
            "obligation",
            _("On %(d)s %(name)s held no post bound by %(citation)s (%(roles)s).")
            % {"d": date, "name": cadre.name, "citation": obligation.citation, "roles": roles},
        )
    # A department keeps the records of the posts held in it on that day, not of its former leaders.
    require_ledger_access(acting_user, {post.organization_id}, write=True)
    _check_catalog(obligation, catalog_for(post.organization, date), post.organization.name, date)
    checked = check_uploads(files)
    record = DutyRecord(
        cadre=cadre, obligation=obligation, post=post, date=date, note=(note or "").strip(), recorded_by=acting_user
    )
    save_with_history(record, acting_user=acting_user, reason="duty record")
    for upload, content_type, content in checked:
        _evidence_save(record, upload, content_type, content, acting_user)
    return record


def keeper_of(organ: str, unit: Department, acting_user: Actor) -> Department:
    """The department that keeps an organ's record: the organ's office if it has one (the county
    safety committee's is the emergency management department), else the keeper recording it."""
    office = office_of(organ, unit)
    if office is not None:
        return office
    membership = membership_of(acting_user)
    if membership is None:
        raise field_error("unit", _("Record an organ's duty from a seat in a department that keeps the ledger."))
    return membership.department


@transaction.atomic
def organ_record_create(
    *,
    acting_user: Actor,
    unit: Department,
    obligation: Obligation,
    date: dt.date,
    note: str = "",
    files: Iterable[UploadedFile[bytes]] = (),
) -> DutyRecord:
    """Record that the organ of ``unit`` bound by ``obligation`` (第十四条 the county safety
    committee's patrol, 第十六条 its yearly evaluation, 第十七条 the county government's or the
    park committee's 述责) did the activity on ``date``, with evidence files. The record names the
    department keeping it (``keeper_of``); the county's ledger keepers write it."""
    require_ledger_access(acting_user, {unit.pk}, write=True)
    if not obligation.organs:
        raise field_error(
            "obligation",
            _("%(citation)s binds posts, not an organ: record it for the cadre who did it.") % {"citation": obligation.citation},
        )
    organ = next((o for o in obligation.organs if o in organs_of(unit)), None)
    if organ is None:
        organs = "、".join(str(Organ(o).label) for o in obligation.organs)
        raise field_error(
            "unit",
            _("%(unit)s has no organ bound by %(citation)s (%(organs)s).")
            % {"unit": unit.name, "citation": obligation.citation, "organs": organs},
        )
    _check_date(obligation, date)
    _check_catalog(obligation, catalog_for(unit, date), unit.name, date)
    kept_by = keeper_of(organ, unit, acting_user)
    checked = check_uploads(files)
    record = DutyRecord(
        organ=organ,
        unit=unit,
        kept_by=kept_by,
        obligation=obligation,
        date=date,
        note=(note or "").strip(),
        recorded_by=acting_user,
    )
    save_with_history(record, acting_user=acting_user, reason="organ duty record")
    for upload, content_type, content in checked:
        _evidence_save(record, upload, content_type, content, acting_user)
    return record


@transaction.atomic
def evidence_add(*, acting_user: Actor, record_id: int, upload: UploadedFile[bytes]) -> Evidence:
    record = lock(DutyRecord, record_id)
    require_ledger_access(acting_user, record_organizations(record), write=True)
    if record.voided_at:
        raise PreconditionFailed(_("The record was withdrawn; evidence cannot be added."))
    content_type, content = check_upload(upload)
    return _evidence_save(record, upload, content_type, content, acting_user)


@transaction.atomic
def record_void(*, acting_user: Actor, record_id: int, reason: str) -> DutyRecord:
    """Withdraw a record entered in error. It stays in the ledger's history with who and why,
    and stops counting towards compliance."""
    record = lock(DutyRecord, record_id)
    require_ledger_access(acting_user, record_organizations(record), write=True)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for withdrawing the record."))
    if record.voided_at:
        raise PreconditionFailed(_("The record was already withdrawn."))
    record.voided_at = timezone.now()
    record.voided_by = acting_user
    record.void_reason = reason
    save_with_history(record, acting_user=acting_user, reason=f"withdrawn: {reason}")
    return record
