"""A code constant written into the SQL itself filters as the same value passed as a parameter, and nothing but a
code constant gets in."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditEntry
from apps.core.expressions import SqlConstant


@pytest.mark.django_db
def test_the_constant_stands_in_the_sql_and_filters_as_a_parameter_would(personas: object) -> None:
    AuditEntry.objects.create(sequence=-1, action="clients.client.viewed", object_type="t", object_id="1")
    AuditEntry.objects.create(sequence=-2, action="clients.client.updated", object_type="t", object_id="1")
    written = AuditEntry.objects.filter(object_type="t").exclude(action=SqlConstant("clients.client.viewed"))
    passed = AuditEntry.objects.filter(object_type="t").exclude(action="clients.client.viewed")
    assert list(written) == list(passed) and [e.action for e in written] == ["clients.client.updated"]
    sql, params = written.query.sql_with_params()
    assert "'clients.client.viewed'" in sql and "clients.client.viewed" not in params


@pytest.mark.parametrize("value", ["x' OR '1'='1", "", "a b", "é", "x" * 101])
def test_anything_but_a_code_constant_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="code constant"):
        SqlConstant(value)
