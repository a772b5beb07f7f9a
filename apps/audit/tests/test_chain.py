"""The audit trail is append-only and hash-chained; verify_audit finds every kind of tampering.

Tampering is done the way an intruder with database access would: raw SQL (on PostgreSQL after
disabling the append-only trigger inside the test's transaction).
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from apps.audit.models import GENESIS_HASH, AppendOnlyError, AuditEntry
from apps.audit.services import audit_head, audit_log, audit_log_many, audit_log_refs, audit_verify
from conftest import register_client
from tests.factories import race

TABLE = AuditEntry._meta.db_table


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks block ALTER TABLE
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditentry_append_only")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_auditentry_append_only")


@pytest.fixture
def trail(personas: Any) -> list[AuditEntry]:
    """Five clients registered: a chain of at least five entries, intact."""
    for name in ["Saled", "Mariam", "Thierry", "Nadia", "Jonas"]:
        register_client(personas, first_name=name)
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert len(entries) >= 5 and audit_verify() == []
    return entries


def _verify() -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="audit trail broken"):
        call_command("verify_audit", stderr=err, stdout=StringIO())
    return err.getvalue()


def test_entries_form_a_gapless_chain_from_the_genesis(trail: list[AuditEntry]) -> None:
    assert [e.sequence for e in trail] == list(range(1, len(trail) + 1))
    assert trail[0].previous_hash == GENESIS_HASH
    assert all(b.previous_hash == a.hash for a, b in zip(trail, trail[1:], strict=False))
    out = StringIO()
    call_command("verify_audit", stdout=out)
    sequence, digest = audit_head()
    assert f"intact: {len(trail)} entries; head {sequence}:{digest}" in out.getvalue()


def test_the_application_cannot_change_or_delete_an_entry(trail: list[AuditEntry]) -> None:
    entry = trail[2]
    entry.action = "clients.client.updated"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="clients.client.updated")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert audit_verify() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_itself_refuses_update_and_delete(trail: list[AuditEntry]) -> None:
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [trail[1].pk])
    assert audit_verify() == []


def test_an_edited_entry_is_detected(trail: list[AuditEntry]) -> None:
    _raw("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["999", trail[2].pk])
    assert f"entry {trail[2].sequence} was changed after it was written" in _verify()


def test_a_deleted_entry_is_detected(trail: list[AuditEntry]) -> None:
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[2].pk])
    report = _verify()
    assert f"entries {trail[2].sequence}..{trail[2].sequence} are missing" in report
    assert f"entry {trail[3].sequence} does not follow its predecessor" in report


def test_an_inserted_entry_is_detected(trail: list[AuditEntry]) -> None:
    last = trail[-1]
    _raw(
        "INSERT INTO audit_auditentry"
        " (sequence, created_at, action, object_type, object_id, changes, previous_hash, hash)"
        " VALUES (%s, %s, 'clients.client.viewed', '', '', '{}', %s, %s)",
        [last.sequence + 1, last.created_at, last.hash, "f" * 64],
    )
    assert f"entry {last.sequence + 1} was changed after it was written" in _verify()


def test_reordered_entries_are_detected(trail: list[AuditEntry]) -> None:
    a, b = trail[1], trail[2]
    _raw("UPDATE audit_auditentry SET sequence = -1 WHERE id = %s", [a.pk])
    _raw("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [a.sequence, b.pk])
    _raw("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [b.sequence, a.pk])
    report = _verify()
    assert f"entry {a.sequence} does not follow its predecessor" in report


def test_removing_the_newest_entries_is_caught_by_a_recorded_head(trail: list[AuditEntry]) -> None:
    head = f"{trail[-1].sequence}:{trail[-1].hash}"
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[-1].pk])
    assert audit_verify() == []  # the chain alone cannot see a cut at its end
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--expect-head", head, stderr=err)
    assert "recorded head" in err.getvalue()


def test_bulk_entries_continue_the_same_chain(personas: Any, trail: list[AuditEntry]) -> None:
    audit_log_many(actor=personas.sofie, action="clients.client.registered", objects=[personas.lb, personas.vdab])
    audit_log(actor=personas.sofie, action="clients.import.completed", obj=personas.lb, changes={"count": 2})
    assert AuditEntry.objects.count() == len(trail) + 3 and audit_verify() == []


def test_a_user_with_audit_entries_cannot_be_deleted_only_deactivated(trail: list[AuditEntry], personas: Any) -> None:
    with pytest.raises(ProtectedError):
        personas.sofie.delete()
    personas.sofie.is_active = False
    personas.sofie.save(update_fields=["is_active"])
    assert AuditEntry.objects.filter(actor=personas.sofie).count() == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database (shared cache) answers a second writer with 'table is locked' at "
    "once instead of waiting; a file database serialises writers (BEGIN IMMEDIATE with a timeout)",
)
@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_never_fork_the_chain(personas: Any) -> None:
    """Four writers, five entries each, started together: every entry follows the one before (the chain lock and
    the head read after it; on PostgreSQL both in one round trip)."""

    def write(n: int) -> None:
        for i in range(5):
            with transaction.atomic():
                audit_log(actor=personas.sofie, action="clients.import.completed", changes={"writer": n, "i": i})

    before = AuditEntry.objects.count()
    results = race(**{f"writer{n}": (lambda n=n: write(n)) for n in range(4)})
    assert set(results.values()) == {"ok"}, results
    assert AuditEntry.objects.count() == before + 20
    assert audit_verify() == []


def test_the_record_of_reads_written_in_one_statement_reads_back_as_written_and_keeps_the_chain(personas: Any) -> None:
    """audit_log_refs writes with a plain INSERT (services._insert): every field, the JSON of the changes (text a
    user might have typed, accents) and the time to the microsecond read back as hashed, on SQLite and
    PostgreSQL, between entries written by the ORM."""
    audit_log(actor=personas.sofie, action="clients.client.updated", obj=personas.lb, changes={"phone": 1})
    changes = {"page": "clients:detail", "organisations": [1, 2], "purpose": "guidance", "note": "Zoë's 'x' ; --"}
    written = audit_log_refs(
        actor=personas.sofie,
        action="clients.client.viewed",
        refs=[("clients.client", "7", changes), ("clients.client", "8", {**changes, "organisations": []})],
    )
    audit_log(actor=None, action="clients.client.updated", obj=personas.lb, changes={"phone": 2})
    stored = list(AuditEntry.objects.filter(sequence__in=[e.sequence for e in written]).order_by("sequence"))
    assert [(e.object_id, e.changes, e.created_at, e.actor_id, e.hash) for e in stored] == [
        (e.object_id, e.changes, e.created_at, e.actor_id, e.hash) for e in written
    ]
    assert all(e.compute_hash() == e.hash for e in stored)
    assert audit_verify() == []
