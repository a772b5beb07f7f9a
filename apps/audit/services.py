"""Writing the audit trail: one entry (``audit_log``) or many (``audit_log_many``), always chained.

Every write checks its code against the registry (apps/audit/registry.py) and chains the entry to the
last one under a lock, so concurrent writers never fork the chain: on PostgreSQL a transaction-scoped
advisory lock, on SQLite the database write lock taken by ``BEGIN IMMEDIATE`` (settings). The lock is
held until the caller's transaction ends. See docs/decisions/0010-audit-trail.md.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from apps.audit import registry
from apps.audit.models import GENESIS_HASH, AuditEntry

# pg_advisory_xact_lock key: "padwijzer audit" (any constant shared by every writer).
ADVISORY_LOCK_KEY = 7_365_402_001


def _lock_chain_head() -> tuple[int, str]:
    """Take the chain lock and return (sequence, hash) of the last entry, or (0, GENESIS_HASH).

    On PostgreSQL in one round trip: the lock, then the head in a statement of its own, so read with a snapshot
    taken once the lock is held (READ COMMITTED takes one per statement; the head read in the same statement as
    the lock could miss an entry committed while it waited). A string of statements without parameters goes
    to the server as one simple query (psycopg 3); the cursor's second result set is the head.
    """
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        # constants only (the lock key, the table and its columns): nothing from a user
        lock_then_head = (
            f"SELECT pg_advisory_xact_lock({int(ADVISORY_LOCK_KEY)}); "  # noqa: S608
            f"SELECT {quote('sequence')}, {quote('hash')} FROM {quote(AuditEntry._meta.db_table)} "
            f"ORDER BY {quote('sequence')} DESC LIMIT 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(lock_then_head)
            if not cursor.nextset():
                raise RuntimeError("the audit chain head was not returned")  # never: two statements were sent
            row = cursor.fetchone()
        return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS_HASH)
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return last if last is not None else (0, GENESIS_HASH)


def _plain(changes: dict[str, Any] | None) -> dict[str, Any]:
    # What the JSON column will give back, so the stored entry hashes as it was hashed here.
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder))


def _entry(*, actor: Any, action: str, obj: models.Model | None, changes: dict[str, Any] | None) -> AuditEntry:
    registry.get(action)  # raises UnknownAuditAction
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=_plain(changes),
        created_at=timezone.now(),
    )


def _chain(entries: list[AuditEntry]) -> None:
    sequence, previous = _lock_chain_head()
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous
        entry.hash = previous = entry.compute_hash()


def audit_log(
    *, actor: Any, action: str, obj: models.Model | None = None, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """Record one audit entry, chained to the last. Call it inside the service's transaction.

    ``action`` is a registered code such as ``regions.region.loaded`` (else ``UnknownAuditAction``);
    ``changes`` holds ids, counts and codes (JSON-serialisable; dates become ISO strings).
    """
    entry = _entry(actor=actor, action=action, obj=obj, changes=changes)
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one
        _chain([entry])
        entry.save(force_insert=True)
    return entry


def audit_log_many(
    *, actor: Any, action: str, objects: Iterable[models.Model], changes: dict[str, Any] | None = None
) -> list[AuditEntry]:
    """Record one entry per object with one lock and bulk inserts (imports); same rules as ``audit_log``."""
    entries = [_entry(actor=actor, action=action, obj=obj, changes=changes) for obj in objects]
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one
        _chain(entries)
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    return entries


def audit_verify() -> list[str]:
    """Walk the whole chain in sequence order and describe every break (empty list: intact).

    Detects an edited entry (its hash no longer matches its fields), a deleted one (a gap in the sequence,
    or the next entry's ``previous_hash`` no longer matching) and an inserted or reordered one (a
    ``previous_hash`` that does not match its predecessor). Deleting the newest entries leaves no trace
    in the chain itself: compare the head printed by ``verify_audit`` with one recorded elsewhere.
    """
    problems: list[str] = []
    expected_sequence, previous = 1, GENESIS_HASH
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            problems.append(f"entries {expected_sequence}..{entry.sequence - 1} are missing (deleted)")
        if entry.previous_hash != previous:
            problems.append(f"entry {entry.sequence} does not follow its predecessor (inserted, reordered or deleted)")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entry {entry.sequence} was changed after it was written")
        expected_sequence, previous = entry.sequence + 1, entry.hash
    return problems


def audit_head() -> tuple[int, str]:
    """(sequence, hash) of the newest entry: record it elsewhere to detect truncation of the chain's end."""
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return last if last is not None else (0, GENESIS_HASH)


def audit_log_refs(*, actor: Any, action: str, refs: Iterable[tuple[str, str, dict[str, Any]]]) -> list[AuditEntry]:
    """Record one entry per (object type, object id, changes) with one lock: for the record of reads, which
    knows clients by id only (apps/audit/reads.py), on nearly every page. Same rules as ``audit_log``; the
    entries are written with one plain INSERT (``_insert``) and come back without their ``pk``."""
    built = []
    for object_type, object_id, changes in refs:
        entry = _entry(actor=actor, action=action, obj=None, changes=changes)
        entry.object_type, entry.object_id = object_type, object_id
        built.append(entry)
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one
        _chain(built)
        for start in range(0, len(built), 500):
            _insert(built[start : start + 500])
    return built


_FIELDS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]


@functools.cache
def _insert_sql(vendor: str, rows: int) -> str:
    """``INSERT INTO audit_auditentry (fields) VALUES (%s, ...), ...`` for ``rows`` rows: table and column names
    from the model, quoted by the database's rules; values always as parameters."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _FIELDS)
    row = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
    return f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) VALUES " + ", ".join([row] * rows)  # noqa: S608


def _insert(entries: list[AuditEntry]) -> None:
    """Insert chained ``entries`` in one statement without reading anything back: what ``bulk_create`` does,
    without building an insert query through the ORM (about 0.2 ms of CPU per page that shows a client) and
    without ``RETURNING id``. Each value is prepared by its field (``get_db_prep_save``: the JSON, the time)."""
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for entry in entries for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, len(entries)), params)
