"""django-simple-history helpers: models that moved between apps (issue 12) without moving data,
and history rows signed under the audit keys (issue 15 item 8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from core.audit import row_digest, sign


class MovedHistoricalRecords(HistoricalRecords):  # type: ignore[misc]  # simple-history ships no types
    """``HistoricalRecords`` whose tables keep the names of the app the model came from.

    ``table_name`` covers the model's history table; simple-history has no option for the
    history tables of tracked many-to-many fields, so ``from_app`` names those here."""

    def __init__(self, *args: Any, from_app: str, **kwargs: Any) -> None:
        self.from_app = from_app
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: Any, name: str) -> None:
        if getattr(self, "table_name", None) is None:
            self.table_name = f"{self.from_app}_historical{cls._meta.model_name}"
        super().contribute_to_class(cls, name)

    def get_meta_options_m2m(self, through_model: Any) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options_m2m(through_model)
        options["db_table"] = f"{self.from_app}_{self.get_history_model_name(through_model).lower()}"
        return options


# --- signed history rows (issue 15 item 8) --------------------------------------------------------


class SignedHistory(models.Model):
    """Base of the history models whose rows are signed: ``history_mac`` is ``key id:HMAC`` of
    the row's values (``core.audit.row_digest``, every column but ``history_id`` and itself),
    set before the row is inserted (no extra query). Someone with database access can edit,
    insert or copy a history row, not sign it; deletions are caught by the case events that
    list the rows written before them (``history_written``)."""

    # ``db_default``: rows written with SQL (bench/) are inserted, and found unsigned.
    history_mac = models.CharField(_("signature"), max_length=100, blank=True, default="", db_default="")

    class Meta:
        abstract = True


UNSIGNED_COLUMNS = ("history_id", "history_mac")


def history_row_digest(model: type[models.Model], values: Mapping[str, Any]) -> str:
    return row_digest(model, values, exclude=UNSIGNED_COLUMNS)


class SignedHistoricalRecords(HistoricalRecords):  # type: ignore[misc]  # simple-history ships no types
    """``HistoricalRecords`` whose rows carry ``history_mac`` (``SignedHistory``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("bases", (SignedHistory,))
        super().__init__(*args, **kwargs)


class _Written:
    """A signed history row written in the open transaction, not yet listed by an event. Kept
    as a no-op ``on_commit`` callback so that Django drops it with a rolled-back savepoint: an
    event never lists a row that was rolled back."""

    __slots__ = ("ref", "listed")

    def __init__(self, ref: list[Any]) -> None:
        self.ref = ref
        self.listed = False

    def __call__(self) -> None:
        return None


def sign_history_row(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    if isinstance(history_instance, SignedHistory):
        history_instance.history_mac = sign(history_row_digest(type(history_instance), history_instance.__dict__))


def note_history_row(sender: Any, history_instance: Any, using: str | None = None, **kwargs: Any) -> None:
    if not isinstance(history_instance, SignedHistory):
        return
    if not transaction.get_connection(using).in_atomic_block:
        return  # committed on its own: no event of this transaction can list it
    ref = [history_instance._meta.label_lower, history_instance.pk, history_instance.history_mac]
    transaction.on_commit(_Written(ref), using=using)


def history_written(using: str | None = None) -> list[list[Any]]:
    """``[model label, history_id, history_mac]`` of every signed history row written in the open
    transaction (and not rolled back) that no event listed yet; they are listed from now on.
    Read from memory: no query."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return []
    refs = []
    for _sids, callback, *_rest in connection.run_on_commit:
        if isinstance(callback, _Written) and not callback.listed:
            callback.listed = True
            refs.append(callback.ref)
    return refs


def connect_signed_history() -> None:
    pre_create_historical_record.connect(sign_history_row, dispatch_uid="core.sign_history_row")
    post_create_historical_record.connect(note_history_row, dispatch_uid="core.note_history_row")


def sign_history_rows(model: type[models.Model], *, only_unsigned: bool = True, chunk: int = 2000) -> int:
    """Sign the rows already in a history table (a migration's frozen model): after
    ``verify_audit`` found them intact, when the signature is introduced or a column is added
    (with a non-NULL default) or dropped. Returns the number of rows signed."""
    qs = model._default_manager.order_by("pk")
    if only_unsigned:
        qs = qs.filter(history_mac="")
    batch: list[models.Model] = []
    signed = 0
    for row in qs.iterator(chunk_size=chunk):
        row.history_mac = sign(history_row_digest(model, row.__dict__))  # type: ignore[attr-defined]
        batch.append(row)
        if len(batch) >= chunk:
            model._default_manager.bulk_update(batch, ["history_mac"])
            signed, batch = signed + len(batch), []
    if batch:
        model._default_manager.bulk_update(batch, ["history_mac"])
        signed += len(batch)
    return signed
