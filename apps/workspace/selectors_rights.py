"""Who looked at a client's file (GDPR art. 15): the record of reads, in plain words.

Sources (apps/audit/reads.py): ``clients.client.viewed`` (a page or API call that opened this client),
``clients.seal.opened`` (sealed data opened with a reason), ``clients.subject_access.exported`` (a copy made for
the client), all found through the (object type, object id) index; and ``clients.list.viewed`` entries whose
``clients`` list holds this client's id (a list that showed the name), matched by a regular expression on the
JSON text, which reads PostgreSQL's ``jsonb`` text and SQLite's JSON text alike. A page is one bounded query
(LIMIT/OFFSET) plus one for the organisations' names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.audit.models import AuditEntry
from apps.consent.models import Purpose

FILE_ACTIONS = ("clients.client.viewed", "clients.seal.opened", "clients.subject_access.exported")
LIST_ACTION = "clients.list.viewed"


@dataclass(frozen=True)
class AccessRow:
    """One look at the file: when, who, for which organisations, why, and what was seen (plain words)."""

    at: dt.datetime
    who: str
    organisations: list[str]
    purpose: str
    what: str


def access_entries(client_id: int) -> QuerySet[AuditEntry]:
    """Every audit entry that records a look at client ``client_id``, newest first (a queryset to paginate)."""
    pattern = r'"clients": ?\[([^]]*[ ,])?' + str(int(client_id)) + r"[],]"
    return (
        AuditEntry.objects.annotate(changes_text=Cast("changes", TextField()))
        .filter(
            Q(object_type="clients.client", object_id=str(client_id), action__in=FILE_ACTIONS)
            | Q(action=LIST_ACTION, changes_text__regex=pattern)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def _what(entry: AuditEntry) -> str:
    if entry.action == "clients.seal.opened":
        return _("opened sealed data (health, addiction or justice) with a reason")
    if entry.action == "clients.subject_access.exported":
        return _("made a copy of the file for you")
    if entry.action == LIST_ACTION:
        return _("saw your name in a list")
    page = str((entry.changes or {}).get("page", ""))
    if page.startswith("api"):
        return _("read the file through the link with another program (API)")
    if page.startswith("pathways:"):
        return _("opened your pathway")
    if page.startswith("esf"):
        return _("opened the ESF+ data")
    return _("opened your file")


def access_rows(entries: list[AuditEntry]) -> list[AccessRow]:
    """Plain-language rows for ``entries`` (one query for the organisations' names)."""
    org_ids = {int(o) for e in entries for o in (e.changes or {}).get("organisations", [])}
    names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}
    purposes = dict(Purpose.choices)
    rows = []
    for entry in entries:
        actor = entry.actor
        who = (actor.get_full_name() or actor.username) if actor is not None else _("the system")
        changes = entry.changes or {}
        rows.append(
            AccessRow(
                at=entry.created_at,
                who=who,
                organisations=[
                    names.get(int(o), _("an organisation that no longer exists"))
                    for o in changes.get("organisations", [])
                ],
                purpose=str(purposes.get(changes.get("purpose", ""), _("not recorded"))),
                what=_what(entry),
            )
        )
    return rows
