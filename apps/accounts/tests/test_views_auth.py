from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_login_and_logout(client: Client, personas: Any) -> None:
    response = client.post("/account/login/", {"username": "sofie", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_shows_an_error_and_keeps_the_username(client: Client, personas: Any) -> None:
    response = client.post("/account/login/", {"username": "sofie", "password": "wrong"})
    assert response.status_code == 200
    assert b'id="login-error"' in response.content
    assert b'value="sofie"' in response.content


def test_password_reset_by_e_mail(client: Client, personas: Any) -> None:
    response = client.post("/account/password-reset/", {"email": "sofie@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-7", "new_password2": "a-new-long-passphrase-7"},
    )
    assert response.status_code == 302
    # through the login form: the lockout back-end (django-axes) needs the request
    response = client.post(reverse("accounts:login"), {"username": "sofie", "password": "a-new-long-passphrase-7"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, personas: Any) -> None:
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_passwords_are_hashed_with_argon2(personas: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # drop the fast test hasher
    personas.sofie.set_password(PASSWORD)
    personas.sofie.save()
    assert identify_hasher(personas.sofie.password).algorithm == "argon2"
