"""Consent: recorded with its scope and method, withdrawn with effect on the next read, always audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.audit.models import AuditEntry
from apps.consent.models import Consent
from apps.consent.selectors import consent_covers, consented_categories, covered_categories
from apps.consent.services import consent_record, consent_withdraw
from tests.factories import give_consent, register_client


def test_a_consent_covers_exactly_its_organisations_categories_and_purposes(personas: Any) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam, categories=["identity", "life_domains"], purposes=["guidance"])
    assert covered_categories(client_id=mariam.pk, organisation_ids={personas.brug.pk}, purpose="guidance") == {
        "identity",
        "life_domains",
    }
    assert not consent_covers(
        client_id=mariam.pk, organisation_id=personas.brug.pk, category="health", purpose="guidance"
    )
    assert not consent_covers(
        client_id=mariam.pk, organisation_id=personas.brug.pk, category="identity", purpose="referral"
    )
    assert not consent_covers(
        client_id=mariam.pk, organisation_id=personas.vdab.pk, category="identity", purpose="guidance"
    )
    entry = AuditEntry.objects.get(action="consent.consent.given", object_id=str(consent.pk))
    assert entry.actor == personas.sofie and entry.changes["categories"] == ["identity", "life_domains"]
    assert "Mariam" not in str(entry.changes)


def test_a_withdrawal_takes_effect_at_once_and_only_once(personas: Any) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam)
    consent_withdraw(consent=consent, actor=personas.sofie)
    assert covered_categories(client_id=mariam.pk, organisation_ids={personas.brug.pk}, purpose="guidance") == set()
    assert AuditEntry.objects.get(action="consent.consent.withdrawn").changes == {
        "client": mariam.pk,
        "withdrawn_on": timezone.localdate().isoformat(),
    }
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, actor=personas.sofie)


def test_the_bulk_read_answers_per_client_and_organisation_in_one_query(
    personas: Any, django_assert_num_queries: Any
) -> None:
    mariam = register_client(personas)
    ahmed = register_client(personas, first_name="Ahmed", last_name="Haddou")
    give_consent(personas, mariam, categories=["identity"], purposes=["referral"])
    give_consent(personas, ahmed, to=personas.vdab, categories=["finances"], purposes=["guidance"])
    pairs = {(mariam.pk, personas.brug.pk), (ahmed.pk, personas.vdab.pk), (ahmed.pk, personas.brug.pk)}
    with django_assert_num_queries(1):
        found = consented_categories(pairs=pairs, purposes=["guidance", "referral"])
    assert dict(found) == {(mariam.pk, personas.brug.pk): {"identity"}, (ahmed.pk, personas.vdab.pk): {"finances"}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisations": []}, "organisations"),
        ({"categories": ["horoscope"]}, "categories"),
        ({"purposes": []}, "purposes"),
        ({"method": "verbal_witnessed", "witness": " "}, "witness"),
        ({"given_on": dt.date(2999, 1, 1)}, "given_on"),
    ],
)
def test_bad_consent_input_points_at_the_field_and_saves_nothing(personas: Any, change: dict, field: str) -> None:
    mariam = register_client(personas)
    data: dict[str, Any] = {
        "client": mariam,
        "organisations": [personas.brug],
        "categories": ["identity"],
        "purposes": ["guidance"],
        "method": "written",
        "given_on": dt.date(2026, 2, 1),
        "actor": personas.sofie,
        "actor_organisation": personas.lb,
    } | change
    with pytest.raises(ValidationError) as refused:
        consent_record(**data)
    assert field in refused.value.message_dict
    assert not Consent.objects.exists() and not AuditEntry.objects.filter(action="consent.consent.given").exists()


def test_an_organisation_of_another_partnership_cannot_be_given_consent(personas: Any) -> None:
    mariam = register_client(personas)
    with pytest.raises(ValidationError) as refused:
        give_consent(personas, mariam, to=personas.westhoek_org)
    assert "organisations" in refused.value.message_dict


def test_sofie_cannot_record_consent_to_share_with_her_own_organisation_which_holds_the_file(personas: Any) -> None:
    mariam = register_client(personas)  # registered by Lokaal bestuur Oostende
    for organisations in ([personas.lb], [personas.brug, personas.lb]):
        with pytest.raises(ValidationError) as refused:
            consent_record(
                client=mariam,
                organisations=organisations,
                categories=["identity"],
                purposes=["guidance"],
                method="written",
                given_on=dt.date(2026, 2, 1),
                actor=personas.sofie,
                actor_organisation=personas.lb,
            )
        assert refused.value.message_dict == {
            "organisations": [
                "Lokaal bestuur Oostende registreerde deze hulpvrager en heeft het dossier al: "
                "kies enkel andere organisaties."
            ]
        }
    assert not Consent.objects.exists() and not AuditEntry.objects.filter(action="consent.consent.given").exists()


def test_the_refusal_of_the_own_organisation_reads_in_english_too(personas: Any) -> None:
    mariam = register_client(personas)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        give_consent(personas, mariam, to=personas.lb)
    assert refused.value.message_dict["organisations"] == [
        "Lokaal bestuur Oostende registered this client and holds the file already: choose only other organisations."
    ]


def test_a_consent_for_an_employer_may_name_the_own_organisation_that_passes_the_data_on(personas: Any) -> None:
    mariam = register_client(personas)
    consent = consent_record(
        client=mariam,
        organisations=[personas.lb],
        categories=["identity", "work_education"],
        purposes=["employer_mediation"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
        external_recipient="Bakkerij Zeewind",
    )
    assert list(consent.organisations.all()) == [personas.lb] and consent.external_recipient == "Bakkerij Zeewind"
