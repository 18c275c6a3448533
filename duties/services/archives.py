"""Evidence that is a zip package (docx, xlsx, OFD) is inspected before it is stored (issue 15,
item 10), and no evidence may be two types at once (a polyglot).

Nothing here inflates a whole archive into memory: the limits are first checked on the sizes the
central directory declares (``ZipInfo.file_size``/``compress_size``), and the entries are then read
in bounded chunks, which proves the declared sizes (``zipfile`` never yields more than an entry
declares and checks its CRC at the end, so a lying header fails there). Only a nested zip (a
chart's workbook inside a docx) is held in memory, and only after the totals passed, so it is at
most ``ZEREN_ARCHIVE_MAX_INFLATED`` bytes.

The limits are settings (config/settings.py): ``ZEREN_ARCHIVE_MAX_ENTRIES``,
``ZEREN_ARCHIVE_MAX_INFLATED`` (bytes, all entries together, nested ones included) and
``ZEREN_ARCHIVE_MAX_RATIO`` (inflated ÷ compressed).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_LOCAL = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"
PDF_MAGIC = b"%PDF-"
# PDF readers look for the header anywhere in the first kilobyte, not only at byte 0.
PDF_HEADER_WINDOW = 1024
# A nested zip is inspected like its parent; one level is what Office uses (a chart's workbook),
# a zip inside that is refused.
MAX_DEPTH = 1
# Small entries of zeros or repeated XML compress far beyond any ratio and are harmless; the
# ratio is judged on entries and totals from this size on.
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveRefused(ValueError):
    """The archive is beyond a limit or unsafe; the message says which, for the uploader."""


def _unsafe_path(name: str) -> bool:
    """An entry that would land outside the folder it is extracted into (zip-slip): absolute,
    with a drive letter, with a backslash (a Windows separator that hides a ``..``), or ``..``."""
    if not name or name.startswith("/") or "\\" in name or _DRIVE.match(name) or "\x00" in name:
        return True
    return ".." in name.split("/")


def inspect_zip(content: bytes, *, depth: int = 0, budget: int | None = None) -> None:
    """Raise ``ArchiveRefused`` unless ``content`` is a zip within the limits, with safe entry
    paths, nothing before or after it, and nested zips that pass the same checks."""
    max_entries = settings.ZEREN_ARCHIVE_MAX_ENTRIES
    max_inflated = settings.ZEREN_ARCHIVE_MAX_INFLATED if budget is None else budget
    max_ratio = settings.ZEREN_ARCHIVE_MAX_RATIO
    # The end record states the number of entries: read it before ``zipfile`` builds an object
    # per entry of a directory that may list hundreds of thousands.
    end = content.rfind(ZIP_END)
    if end >= 0 and len(content) >= end + 22:
        (declared,) = struct.unpack_from("<H", content, end + 10)
        if declared > max_entries and declared != 0xFFFF:
            raise ArchiveRefused(_("It holds %(n)d entries; the limit is %(limit)d.") % {"n": declared, "limit": max_entries})
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ArchiveRefused(_("It is not a readable zip package.")) from exc
    with package:
        infos = package.infolist()
        if len(infos) > max_entries:
            raise ArchiveRefused(_("It holds %(n)d entries; the limit is %(limit)d.") % {"n": len(infos), "limit": max_entries})
        for info in infos:
            if _unsafe_path(info.orig_filename):
                raise ArchiveRefused(
                    _("Its entry “%(entry)s” has an unsafe path (absolute, with a drive letter, a backslash or “..”).")
                    % {"entry": info.orig_filename}
                )
        inflated = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos)
        if inflated > max_inflated:
            raise ArchiveRefused(
                _("It would inflate to %(size)d bytes; the limit is %(limit)d bytes.") % {"size": inflated, "limit": max_inflated}
            )
        too_dense = [
            info for info in infos if info.file_size >= RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1)
        ]
        if too_dense or (inflated >= RATIO_FLOOR and inflated > max_ratio * max(compressed, 1)):
            raise ArchiveRefused(_("It is compressed more than %(ratio)d to 1, as a zip bomb is.") % {"ratio": max_ratio})
        if infos and min(info.header_offset for info in infos) != 0:
            raise ArchiveRefused(_("Other data comes before the zip package."))
        end = content.rfind(ZIP_END)
        if end < 0 or end + 22 + len(package.comment) != len(content) or PDF_MAGIC in package.comment:
            raise ArchiveRefused(_("Other data comes after the zip package."))
        _read_bounded(package, infos, depth=depth, budget=max_inflated)


def _read_bounded(package: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, depth: int, budget: int) -> None:
    """Read every entry in chunks: proves the declared sizes and CRCs, and finds nested zips."""
    for info in infos:
        if info.is_dir():
            continue
        nested = bytearray() if info.file_size >= 4 else None
        try:
            with package.open(info) as entry:
                head = entry.read(4)
                if head != ZIP_LOCAL:
                    nested = None
                elif depth >= MAX_DEPTH:
                    raise ArchiveRefused(_("Its entry “%(entry)s” is an archive inside an archive.") % {"entry": info.filename})
                if nested is not None:
                    nested += head
                while chunk := entry.read(_CHUNK):
                    if nested is not None:
                        nested += chunk
        except ArchiveRefused:
            raise
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
            # A CRC or size that does not match what the directory declared, encryption, an
            # unknown compression method.
            raise ArchiveRefused(_("Its entry “%(entry)s” cannot be read as declared.") % {"entry": info.filename}) from exc
        if nested is not None:
            try:
                inspect_zip(bytes(nested), depth=depth + 1, budget=budget)
            except ArchiveRefused as exc:
                raise ArchiveRefused(_("Its entry “%(entry)s”: %(reason)s") % {"entry": info.filename, "reason": exc}) from exc


def polyglot(content: bytes, *, is_zip: bool) -> bool:
    """Whether a file of one accepted type is also read as another: a PDF or a picture that a zip
    reader opens (an archive appended), or a zip package (or a picture) with a PDF header in the
    first kilobyte, where PDF readers find it."""
    if not is_zip and zipfile.is_zipfile(io.BytesIO(content)):
        return True
    if content.startswith(PDF_MAGIC):
        return False
    return PDF_MAGIC in content[:PDF_HEADER_WINDOW]
