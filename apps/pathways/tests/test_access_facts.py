"""The caseload decides access from plain values (``granted_pathway_ids``); it must grant exactly what
``pathway_accesses`` grants on the same pathways, for every user, whatever their role, organisation, seats,
consents and ended memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from apps.accounts.models import Membership
from apps.demo.services import demo_seed
from apps.pathways.models import Pathway, TeamMember
from apps.pathways.permissions import PathwayFacts, Seat, granted_pathway_ids, pathway_accesses
from tests.factories import give_consent, register_client, start_pathway


def test_the_caseload_grants_what_pathway_accesses_grants_for_every_user(personas: Any) -> None:
    demo_seed(region=personas.region, clients=40, seed=1)
    # Els (De Brug) and Olaf (Kompas) sit on three of Sofie's pathways: Mariam gave De Brug her identity,
    # Jonas gave it to nobody, Amira gave it to Kompas; Yonas (peer) sits on Jonas's; Olaf's membership then ends
    mariam, jonas, amira = (register_client(personas, first_name=name) for name in ("Mariam", "Jonas", "Amira"))
    give_consent(personas, mariam)
    give_consent(personas, amira, to=personas.kompas)
    for client, user, organisation in (
        (mariam, personas.els, personas.brug),
        (jonas, personas.els, personas.brug),
        (jonas, personas.yonas, personas.lb),
        (amira, personas.olaf, personas.kompas),
    ):
        TeamMember.objects.create(
            pathway=start_pathway(personas, client) if not Pathway.objects.filter(client=client).exists()
            else Pathway.objects.get(client=client),
            user=user, organisation=organisation, role="partner_worker",
        )  # fmt: skip
    Membership.objects.filter(user=personas.olaf).update(is_active=False)

    pathways = list(Pathway.objects.select_related("client").prefetch_related("team"))
    facts = [PathwayFacts(p.pk, p.organisation_id, p.client_id, p.client.organisation_id) for p in pathways]
    granted_to: dict[str, set[int]] = {}
    for user in get_user_model().objects.all():
        seats = {
            p.pk: [Seat(t.user_id, t.organisation_id, t.is_active) for t in p.team.all() if t.user_id == user.pk]
            for p in pathways
        }
        expected = pathway_accesses(user, pathways, record=False)
        granted, organisations = granted_pathway_ids(user, facts, seats=seats)
        assert granted == set(expected), user.username
        if expected:
            assert organisations == next(iter(expected.values())).organisation_ids
        granted_to[user.username] = granted
    # the world held each case, and the rule decided them as the access model says
    by_client = {p.client_id: p.pk for p in pathways}
    assert by_client[mariam.pk] in granted_to["els"] and by_client[jonas.pk] not in granted_to["els"]
    assert by_client[jonas.pk] in granted_to["yonas"] and by_client[mariam.pk] not in granted_to["yonas"]
    assert by_client[amira.pk] not in granted_to["olaf"]
    assert {by_client[c.pk] for c in (mariam, jonas, amira)} <= granted_to["sofie"]
