"""No lost updates and no double records: the client edit form is optimistically locked, a double-submitted
registration makes one record, and a national number belongs to one active record (concurrency on the
database with threads released together)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as Browser

from apps.clients.models import Client
from apps.clients.services import AlreadyRegistered, client_update
from apps.core.concurrency import EditConflict, new_submission_key
from tests.factories import RACES_NEED_POSTGRESQL, race, register_client

NN = "85073003328"  # born 30 July 1985
BORN = dt.date(1985, 7, 30)


def _form(personas: Any, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": "Mariam",
        "last_name": "Tesfaye",
        "birth_date": "1985-07-30",
        "gender": "F",
        "municipality": personas.region.municipalities.get(code="oostende").pk,
        "dutch_level": "A0",
        **extra,
    }


def test_a_stale_edit_of_a_client_is_refused_and_the_users_text_kept(personas: Any, client: Browser) -> None:
    mariam = register_client(personas)
    client.force_login(personas.sofie)
    opened = mariam.version
    assert (
        client.post(
            f"/hulpvragers/{mariam.pk}/bewerken/", _form(personas, phone="0470 11 22 33", version=opened)
        ).status_code
        == 302
    )
    response = client.post(
        f"/hulpvragers/{mariam.pk}/bewerken/", _form(personas, street="Kerkstraat 1", version=opened)
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="edit-conflict"' in html and "Kerkstraat 1" in html
    mariam.refresh_from_db()
    assert mariam.phone == "0470 11 22 33" and mariam.street == ""
    # the form now carries the current version: saving again is deliberate and goes through
    assert f'value="{mariam.version}"' in html
    again = _form(personas, street="Kerkstraat 1", phone="0470 11 22 33", version=mariam.version)
    assert client.post(f"/hulpvragers/{mariam.pk}/bewerken/", again).status_code == 302


def test_the_service_refuses_a_stale_version(personas: Any) -> None:
    mariam = register_client(personas)
    client_update(client=mariam, actor=personas.sofie, expected_version=1, phone="1")
    with pytest.raises(EditConflict):
        client_update(client=Client.objects.get(pk=mariam.pk), actor=personas.sofie, expected_version=1, phone="2")
    assert Client.objects.get(pk=mariam.pk).phone == "1"


def test_a_double_submitted_registration_creates_one_client(personas: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    data = _form(personas, submission=new_submission_key())
    first = client.post("/hulpvragers/nieuw/", data)
    second = client.post("/hulpvragers/nieuw/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Client.objects.count() == 1


def test_a_second_registration_of_a_national_number_points_to_the_existing_file(personas: Any, client: Browser) -> None:
    mariam = register_client(personas, birth_date=BORN, national_number=NN)
    client.force_login(personas.sofie)  # same organisation: may open the file
    response = client.post("/hulpvragers/nieuw/", _form(personas, national_number=NN, confirm_new="on"))
    assert response.status_code == 302 and response["Location"].endswith(f"/hulpvragers/{mariam.pk}/")
    assert Client.objects.count() == 1


def test_another_organisation_is_told_where_the_person_is_known_without_opening_it(personas: Any) -> None:
    register_client(personas, birth_date=BORN, national_number=NN)
    with pytest.raises(AlreadyRegistered, match="Lokaal bestuur"):
        register_client(personas, organisation=personas.brug, actor=personas.els, birth_date=BORN, national_number=NN)
    assert Client.objects.count() == 1


def test_changing_a_number_into_one_held_by_another_active_client_is_refused(personas: Any) -> None:
    register_client(personas, birth_date=BORN, national_number=NN)
    other = register_client(personas, birth_date=BORN, first_name="Other")
    with pytest.raises(AlreadyRegistered):
        client_update(client=other, actor=personas.sofie, national_number=NN)


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_client_let_exactly_one_win(personas: Any) -> None:
    mariam = register_client(personas)

    def edit(name: str) -> None:
        client_update(client=Client.objects.get(pk=mariam.pk), actor=personas.sofie, expected_version=1, street=name)

    results = race(A=lambda: edit("A"), B=lambda: edit("B"))
    assert sorted(results.values()) == [EditConflict.__name__, "ok"], results
    mariam.refresh_from_db()
    assert mariam.version == 2 and mariam.street in {"A", "B"}


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_registrations_of_one_national_number_make_one_record(personas: Any) -> None:
    def register(name: str) -> None:
        register_client(personas, first_name=name, birth_date=BORN, national_number=NN)

    results = race(A=lambda: register("A"), B=lambda: register("B"))
    assert sorted(results.values()) == [AlreadyRegistered.__name__, "ok"], results
    assert Client.objects.filter(national_number_digest__gt="").count() == 1


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_same_submission_sent_twice_at_once_makes_one_record(personas: Any) -> None:
    key = new_submission_key()
    made: dict[str, int] = {}

    def register(name: str) -> None:
        made[name] = register_client(personas, submission_key=key).pk

    results = race(A=lambda: register("A"), B=lambda: register("B"))
    assert Client.objects.count() == 1 and list(results.values()) == ["ok", "ok"], results
    assert all(pk == Client.objects.get().pk for pk in made.values())
