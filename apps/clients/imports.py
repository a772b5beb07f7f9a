"""Bulk import of clients from a CSV or XLSX file: parse, check every cell, then register all or nothing.

Three steps, each usable on its own:

- reading, ``parse_upload(file_name, data)`` in ``imports_reading.py``;
- checking, ``validate_rows(rows, region)`` in ``imports_checking.py``;
- ``clients_import(organisation=..., actor=..., rows=...)`` (here) registers every cleaned row with the checks
  and audit entry of ``client_register``, in batched inserts in one transaction, plus one summary audit
  entry; if any row fails, nothing is saved.

Also here: the column help and the example file of the upload page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_log, audit_log_many
from apps.clients.imports_reading import BY_FIELD, COLUMNS, LANGUAGE_CODES, ImportRejected, RowError
from apps.clients.models import Client
from apps.clients.services import CLIENT_FIELDS, _apply_national_number, _check_place

# Foreign keys that full_clean would look up one query each; the rows carry the loaded objects, and
# _check_place checks that they belong together and to the organisation's region.
_FK_FIELDS = ["organisation", "registered_by", "municipality", "deelgemeente", "merged_into"]


@transaction.atomic
def clients_import(*, organisation: Any, actor: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Register every cleaned row (from ``validate_rows``) for the organisation; all or nothing.

    The bulk path of ``client_register``: every client gets the same checks (the place against the
    region, the national number with the birth date, ``full_clean``) and the same audit entry,
    ``clients.client.registered``; one more entry, ``clients.import.completed``, records the count.
    Then the clients and entries are written in a few batched inserts. If any row fails its checks,
    every error is collected and ``ImportRejected`` is raised before anything is written.
    """
    clients: list[Client] = []
    errors: list[RowError] = []
    for row in rows:
        data = dict(row)
        number = data.pop("row")
        national_number = data.pop("national_number", "")
        unknown = set(data) - set(CLIENT_FIELDS)
        if unknown:
            raise TypeError(f"unknown client fields: {sorted(unknown)}")
        client = Client(organisation=organisation, registered_by=actor, **data)
        try:
            _checked(client, organisation, national_number)
        except ValidationError as exc:
            errors.extend(_row_errors(number, exc))
        else:
            clients.append(client)
    if errors:
        raise ImportRejected(errors)
    Client.objects.bulk_create(clients, batch_size=500)
    audit_log_many(
        actor=actor, action="clients.client.registered", objects=clients, changes={"organisation": organisation.pk}
    )
    audit_log(actor=actor, action="clients.import.completed", obj=organisation, changes={"count": len(clients)})
    return len(clients)


def _checked(client: Client, organisation: Any, national_number: str) -> None:
    """The checks of ``client_register``, without a query per foreign key."""
    if client.municipality_id is None:
        raise ValidationError({"municipality": _("This cell is required but empty.")})
    _check_place(client, organisation)
    try:
        _apply_national_number(client, national_number)
    except ValidationError as exc:
        raise ValidationError({"national_number": exc.messages}) from exc
    client.full_clean(exclude=_FK_FIELDS)


def _row_errors(number: int, exc: ValidationError) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", m) for m in exc.messages]
    return [
        RowError(number, BY_FIELD[field].header if field in BY_FIELD else "", message)
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def column_help() -> list[dict[str, Any]]:
    """The columns as the upload page explains them."""
    return [
        {
            "header": c.header,
            "alias": c.alias,
            "required": c.required,
            "help": str(c.help) % {"codes": ", ".join(LANGUAGE_CODES)} if c.field == "languages" else c.help,
        }
        for c in COLUMNS
    ]


def example_csv(region: Any) -> bytes:
    """An example file for the region: the Dutch headers and two made-up clients (UTF-8 with BOM, for Excel)."""
    municipalities = list(region.municipalities.prefetch_related("deelgemeenten").order_by("position", "code")[:2])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for index, municipality in enumerate(municipalities):
        sections = list(municipality.deelgemeenten.all())
        section = sections[-1] if sections else None
        if index == 0:
            writer.writerow([
                "Amina", "Voorbeeld", "1990-03-15", "V", "", "0470 12 34 56", "amina@example.org", "Kerkstraat 1",
                municipality.name, section.postal_code if section else "", section.name if section else "", "ar,fr",
                "A2", "ja",
            ])  # fmt: skip
        else:
            writer.writerow([
                "Tom", "Voorbeeld", "02/11/2003", "M", "", "", "", "", municipality.nis_code, "", "", "nl", "C2", "nee",
            ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")

