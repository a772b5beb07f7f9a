"""Shared fixtures: the Oostende region and named personas.

- Wouter, coordinator of the partnership (Lokaal bestuur Oostende)
- Sofie, counsellor (trajectbegeleider) at Lokaal bestuur Oostende
- Yonas, peer companion (ervaringsdeskundige trajectgezel) at Lokaal bestuur Oostende
- Els, partner worker at De Brug vzw
- Ine, jury member
- Glenn, administrator
- Olaf, an outsider: partner worker at another organisation (Kompas vzw)
- Nadia, a member of another region only (westhoek-test)
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

# The builders live in one factories module; many tests import them from here.
from tests.factories import complete_screening, give_consent, register_client, start_pathway  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
OOSTENDE_FILE = ROOT / "regions" / "oostende.json"
WESTHOEK_FILE = ROOT / "apps" / "regions" / "tests" / "data" / "westhoek.json"
PASSWORD = "correct-horse-battery-9"


def load(path: Path) -> Any:
    from apps.regions.services import region_load_text

    return region_load_text(text=path.read_text(encoding="utf-8"), source=path.name).region


@pytest.fixture
def oostende(db: Any) -> Any:
    return load(OOSTENDE_FILE)


@pytest.fixture
def westhoek(db: Any) -> Any:
    return load(WESTHOEK_FILE)


def make_user(username: str, first_name: str, memberships: list[tuple[Any, str]]) -> Any:
    from apps.accounts.models import Membership, User

    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first_name, email=f"{username}@example.org"
    )
    for organisation, role in memberships:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def personas(oostende: Any, westhoek: Any, django_db_setup: Any) -> SimpleNamespace:
    from apps.accounts.models import Organisation, Role

    oostende_city = oostende.municipalities.get(code="oostende")
    lb = Organisation.objects.create(
        region=oostende,
        code="lb-oostende",
        name="Lokaal bestuur Oostende",
        kind=Organisation.Kind.LOCAL_GOVERNMENT,
        municipality=oostende_city,
    )
    vdab = Organisation.objects.create(
        region=oostende, code="vdab", name="VDAB Oostende", kind=Organisation.Kind.VDAB, municipality=oostende_city
    )
    brug = Organisation.objects.create(
        region=oostende, code="de-brug", name="De Brug vzw", kind=Organisation.Kind.PARTNER
    )
    kompas = Organisation.objects.create(
        region=oostende, code="kompas", name="Kompas vzw", kind=Organisation.Kind.PARTNER
    )
    westhoek_org = Organisation.objects.create(
        region=westhoek, code="lb-veurne", name="Lokaal bestuur Veurne", kind=Organisation.Kind.LOCAL_GOVERNMENT
    )
    from apps.accounts.services import organisation_search_key
    from apps.core.search import refresh_keys

    refresh_keys(Organisation.objects.all(), organisation_search_key, Organisation)  # as the admin would
    return SimpleNamespace(
        region=oostende,
        lb=lb,
        vdab=vdab,
        brug=brug,
        kompas=kompas,
        westhoek_org=westhoek_org,
        wouter=make_user("wouter", "Wouter", [(lb, Role.COORDINATOR)]),
        sofie=make_user("sofie", "Sofie", [(lb, Role.COUNSELLOR)]),
        yonas=make_user("yonas", "Yonas", [(lb, Role.PEER_COMPANION)]),
        els=make_user("els", "Els", [(brug, Role.PARTNER_WORKER)]),
        ine=make_user("ine", "Ine", [(vdab, Role.JURY_MEMBER)]),
        glenn=make_user("glenn", "Glenn", [(vdab, Role.ADMINISTRATOR)]),
        olaf=make_user("olaf", "Olaf", [(kompas, Role.PARTNER_WORKER)]),
        karim=make_user("karim", "Karim", [(kompas, Role.COUNSELLOR)]),  # holds the direction of Kompas' pathways
        nadia=make_user("nadia", "Nadia", [(westhoek_org, Role.COORDINATOR)]),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is the production hasher (tested in accounts); tests hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _dutch_by_default() -> Any:
    """Every test starts in the default language (a request may have switched the thread's language)."""
    from django.utils import translation

    translation.activate("nl-be")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path_factory: Any) -> None:
    """Signed consent forms and other private files go to a fresh temporary directory per test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    from django.core.cache import cache, caches

    from apps.regions.selectors import region_memo_clear

    cache.clear()
    caches["menu"].clear()
    region_memo_clear()
    yield
    cache.clear()
    caches["menu"].clear()
    region_memo_clear()
