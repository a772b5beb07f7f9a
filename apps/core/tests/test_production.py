"""The production configuration: static files never break a page, the cache comes from CACHE_URL, the
scheduled jobs run, and a missing collectstatic is reported."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from apps.core.checks import static_manifest_check
from padwijzer.settings import cache_from_url, postgresql_binding

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "apps.core.storage.StaticStorage"},
}


def test_without_collectstatic_the_login_page_still_answers(settings: Any, tmp_path: Path, client: Any) -> None:
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = PRODUCTION_STATIC
    response = client.get("/account/login/")
    assert response.status_code == 200
    assert "/static/css/padwijzer.css" in response.content.decode()  # the plain name, not a 500
    assert [w.id for w in static_manifest_check()] == ["padwijzer.W001"]


def test_after_collectstatic_pages_use_hashed_names_and_the_check_is_quiet(
    settings: Any, tmp_path: Path, client: Any
) -> None:
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = PRODUCTION_STATIC
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/padwijzer.css": "css/padwijzer.0123456789ab.css"}, "version": "1.1"}', encoding="utf-8"
    )
    html = client.get("/account/login/").content.decode()
    assert "/static/css/padwijzer.0123456789ab.css" in html
    assert static_manifest_check() == []


def test_a_static_address_is_worked_out_once_and_kept_for_the_process(settings: Any, tmp_path: Path) -> None:
    from apps.core.storage import StaticStorage

    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/padwijzer.css": "css/padwijzer.0123456789ab.css"}, "version": "1.1"}', encoding="utf-8"
    )
    storage = StaticStorage()
    assert storage.url("css/padwijzer.css") == "/static/css/padwijzer.0123456789ab.css"
    storage.hashed_files["css/padwijzer.css"] = "css/padwijzer.ffffffffffff.css"  # what it would read now
    assert storage.url("css/padwijzer.css") == "/static/css/padwijzer.0123456789ab.css"  # kept
    assert storage.url("css/padwijzer.css", force=True) == "/static/css/padwijzer.ffffffffffff.css"
    assert storage.url("js/missing.js") == "/static/js/missing.js"


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache", "padwijzer_cache"),
        ("db://", "django.core.cache.backends.db.DatabaseCache", "padwijzer_cache"),
        ("redis://cache:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"),
        ("memcached://a:11211,b:11211", "django.core.cache.backends.memcached.PyMemcacheCache", ["a:11211", "b:11211"]),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "padwijzer"),
    ],
)
def test_the_cache_follows_cache_url(url: str, backend: str, location: object) -> None:
    assert cache_from_url(url) == {"BACKEND": backend, "LOCATION": location}


def test_an_unknown_cache_url_stops_the_start() -> None:
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("mongodb://x")


def test_database_connections_are_kept_and_checked(settings: Any) -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60


POSTGRESQL = "django.db.backends.postgresql"


def test_postgresql_prepares_statements_unless_told_not_to(monkeypatch: Any) -> None:
    monkeypatch.delenv("PG_SERVER_SIDE_BINDING", raising=False)
    monkeypatch.delenv("PG_PREPARE_THRESHOLD", raising=False)
    assert postgresql_binding(POSTGRESQL) == {"server_side_binding": True, "prepare_threshold": 5}
    assert postgresql_binding("django.db.backends.sqlite3") == {}
    monkeypatch.setenv("PG_PREPARE_THRESHOLD", "0")
    assert postgresql_binding(POSTGRESQL)["prepare_threshold"] == 0
    monkeypatch.setenv("PG_SERVER_SIDE_BINDING", "false")  # behind a pooler in transaction mode
    assert postgresql_binding(POSTGRESQL) == {}
    monkeypatch.setenv("PG_SERVER_SIDE_BINDING", "maybe")
    with pytest.raises(ImproperlyConfigured, match="PG_SERVER_SIDE_BINDING"):
        postgresql_binding(POSTGRESQL)


@pytest.mark.django_db
def test_on_postgresql_a_recurring_query_is_prepared_on_its_connection(personas: Any) -> None:
    from django.db import connection

    from apps.clients.models import Client

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):  # PG_PREPARE_THRESHOLD (5) runs, then prepared
        list(Client.objects.filter(organisation_id=personas.lb.pk).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "clients_client"' in sql and "$1" in sql for sql in prepared), prepared


@pytest.mark.django_db
def test_the_hourly_and_daily_jobs_run(personas: Any) -> None:
    out = io.StringIO()
    call_command("run_scheduled", "hourly", stdout=out)
    call_command("run_scheduled", "daily", stdout=out)
    text = out.getvalue()
    for job in ("escalate_referrals", "clearsessions", "prune_db_task_results"):
        assert f"job {job} done" in text
    with pytest.raises(CommandError):
        call_command("run_scheduled")
