"""The world of the authorization matrix: the people who ask, and the objects of OTHER organisations they ask for.

Built once per test module through the real services (tests/factories.py and the apps' own test helpers).

The identities (columns of the matrix, ``ROLES``), each in their own organisation of Oostende unless told:

- ``anonymous``: not logged in
- ``coordinator``: Wouter, coordinator of the partnership at Lokaal bestuur Oostende
- ``counsellor``: Sofie, counsellor at Lokaal bestuur Oostende
- ``peer``: Yonas, peer companion at Lokaal bestuur Oostende
- ``partner``: Els, partner worker at De Brug vzw
- ``jury``: Ine, jury member (VDAB)
- ``admin``: Glenn, administrator (VDAB), staff and superuser as in the demo (he runs Django's admin site)
- ``outsider``: Olaf, partner worker at Kompas vzw, an organisation nobody works with
- ``other_region``: Nadia, coordinator in another region (Westhoek)
- ``ended``: Eddy, once counsellor at Horizon (the organisation that owns the objects) and on the client's
  case team; his membership has ended

The objects all belong to Horizon (Lokaal bestuur Bredene, a registering organisation) and Anker vzw (a partner):
the client Zenobia Quackenbush with a screening, consents to Anker, a pathway with an action and a contact, a
referral to Anker's offer, a placement with an employer held by Anker, an ESF+ participation, a case conference
and a signal, a group activity with a session, a merge of two Horizon clients, an allocation run with a proposal,
a notification for Horizon's counsellor, a candidacy of the call with an attachment, a jury criterion.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.contrib import admin

ROOT = Path(__file__).resolve().parent.parent.parent
OOSTENDE_FILE = ROOT / "regions" / "oostende.json"
WESTHOEK_FILE = ROOT / "apps" / "regions" / "tests" / "data" / "westhoek.json"

ROLES = (
    "anonymous",
    "coordinator",
    "counsellor",
    "peer",
    "partner",
    "jury",
    "admin",
    "outsider",
    "other_region",
    "ended",
)
# The foreign client's name: no response may show it unless the matrix says "+name".
SECRET_NAMES = ("Zenobia", "Quackenbush")


def _region(path: Path) -> Any:
    from apps.regions.services import region_load_text

    return region_load_text(text=path.read_text(encoding="utf-8"), source=path.name).region


def _user(username: str, first_name: str, memberships: list[tuple[Any, str]], **extra: Any) -> Any:
    from apps.accounts.models import Membership, User

    user = User.objects.create_user(
        username=username, password="correct-horse-battery-9", first_name=first_name, email=f"{username}@example.org"
    )
    if extra:
        User.objects.filter(pk=user.pk).update(**extra)
        user.refresh_from_db()
    for organisation, role in memberships:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def build() -> SimpleNamespace:
    """Create the identities and the foreign objects; returns them with the URL argument for each parameter."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from apps.accounts.models import Membership, Organisation, Role
    from apps.conferences.services import conference_schedule, signal_raise
    from apps.employers.models import CoachingContact
    from apps.employers.services import (
        activity_log,
        employer_register,
        link_open,
        opportunity_create,
        placement_answer,
        placement_plan_intake,
        placement_propose,
        placement_start,
    )
    from apps.esf.services import participation_enter
    from apps.groups.services import group_activity_create, group_session_add
    from apps.matching.models import AllocationProposal
    from apps.matching.services import allocation_start
    from apps.matching.services_allocation import allocation_execute
    from apps.notifications.services import notify
    from apps.offers.services import offer_create, waiting_list_add
    from apps.partnership import services_candidacies, services_jury
    from apps.partnership.services_coverage import coverage_run_start
    from apps.partnership.tests.conftest import before_deadline, make_candidacy
    from apps.pathways.services import action_add, contact_log_add, team_add
    from apps.referrals.services import referral_send
    from apps.regions.models import InterventionType, Obstacle
    from apps.workspace.services_merge import client_merge
    from tests.factories import complete_screening, give_consent, register_client, start_pathway

    oostende = _region(OOSTENDE_FILE)
    westhoek = _region(WESTHOEK_FILE)
    city = oostende.municipalities.get(code="oostende")
    bredene = oostende.municipalities.get(code="bredene")

    def org(code: str, name: str, kind: str, region: Any = oostende, municipality: Any = None) -> Any:
        return Organisation.objects.create(region=region, code=code, name=name, kind=kind, municipality=municipality)

    lb = org("lb-oostende", "Lokaal bestuur Oostende", Organisation.Kind.LOCAL_GOVERNMENT, municipality=city)
    vdab = org("vdab", "VDAB Oostende", Organisation.Kind.VDAB, municipality=city)
    brug = org("de-brug", "De Brug vzw", Organisation.Kind.PARTNER)
    kompas = org("kompas", "Kompas vzw", Organisation.Kind.PARTNER)
    veurne = org("lb-veurne", "Lokaal bestuur Veurne", Organisation.Kind.LOCAL_GOVERNMENT, region=westhoek)
    horizon = org("lb-bredene", "Lokaal bestuur Bredene", Organisation.Kind.LOCAL_GOVERNMENT, municipality=bredene)
    anker = org("anker", "Anker vzw", Organisation.Kind.PARTNER)

    people = {
        "coordinator": _user("wouter", "Wouter", [(lb, Role.COORDINATOR)]),
        "counsellor": _user("sofie", "Sofie", [(lb, Role.COUNSELLOR)]),
        "peer": _user("yonas", "Yonas", [(lb, Role.PEER_COMPANION)]),
        "partner": _user("els", "Els", [(brug, Role.PARTNER_WORKER)]),
        "jury": _user("ine", "Ine", [(vdab, Role.JURY_MEMBER)]),
        "admin": _user("glenn", "Glenn", [(vdab, Role.ADMINISTRATOR)], is_staff=True, is_superuser=True),
        "outsider": _user("olaf", "Olaf", [(kompas, Role.PARTNER_WORKER)]),
        "other_region": _user("nadia", "Nadia", [(veurne, Role.COORDINATOR)]),
        "ended": _user("eddy", "Eddy", [(horizon, Role.COUNSELLOR)]),
    }
    hanna = _user("hanna", "Hanna", [(horizon, Role.COUNSELLOR)])
    harold = _user("harold", "Harold", [(horizon, Role.COORDINATOR)])
    arne = _user("arne", "Arne", [(anker, Role.PARTNER_WORKER)])

    # the factories act as "Sofie of lb" towards "Els of De Brug": here Hanna of Horizon towards Arne of Anker
    them = SimpleNamespace(region=oostende, lb=horizon, sofie=hanna, brug=anker, els=arne)

    zenobia = register_client(them, first_name=SECRET_NAMES[0], last_name=SECRET_NAMES[1])
    screening = complete_screening(zenobia, hanna, obstacles=["limited-dutch", "debts"])
    consent = give_consent(
        them, zenobia, to=anker, categories=["identity", "life_domains", "health"], purposes=["guidance", "referral"]
    )
    pathway = start_pathway(them, zenobia)
    from apps.clients.services_rights import rectification_record

    rectification = rectification_record(client=zenobia, actor=hanna, what="Adres", asked_on=pathway.started_on)
    team_add(pathway=pathway, actor=hanna, user=people["ended"], organisation=horizon, role="counsellor")
    team_add(pathway=pathway, actor=hanna, user=arne, organisation=anker, role="partner_worker")
    action = action_add(
        pathway=pathway, actor=hanna, description="Budgetplan opmaken", owner=hanna, owner_organisation=horizon
    )
    contact_log_add(
        pathway=pathway,
        actor=hanna,
        organisation=horizon,
        happened_on=dt.date(2026, 3, 2),
        place="home",
        summary="Kennismaking",
    )

    offer = offer_create(
        organisation=anker,
        actor=arne,
        title="Taalcafé Anker",
        description="Elke week Nederlands oefenen.",
        delivery_mode="outreach",
        format="group",
        capacity=1,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=oostende, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=oostende, code="limited-dutch")),
        municipalities=list(oostende.municipalities.all()),
    )
    referral = referral_send(pathway=pathway, offer=offer, actor=hanna, note="Graag.")
    group = group_activity_create(actor=arne, offer=offer, title="Taalcafé dinsdag")
    session = group_session_add(activity=group, actor=arne, held_on=dt.date(2026, 3, 3))

    # a second client of Horizon on the waiting list, for an allocation run with a proposal
    waiting = register_client(them, first_name="Wachtende", last_name="Klant", birth_date=dt.date(1990, 2, 2))
    complete_screening(waiting, hanna, obstacles=["limited-dutch"])
    give_consent(them, waiting, to=anker, purposes=["referral"])
    start_pathway(them, waiting)
    waiting_list_add(client=waiting, actor=hanna)
    run = allocation_execute(run=allocation_start(region=oostende, actor=harold))
    proposal = AllocationProposal.objects.filter(run=run).first()

    # two records of one person, merged by Horizon
    first = register_client(them, first_name="Dubbel", last_name="Persoon", birth_date=dt.date(1985, 6, 6))
    second = register_client(them, first_name="Dubbel", last_name="Persoon", birth_date=dt.date(1985, 6, 6))
    merge = client_merge(survivor=first, duplicate=second, actor=hanna)
    # two people born the same day with one name, marked as different people by the coordinator
    from apps.clients.services_duplicates import duplicate_pair_dismiss

    twin_a = register_client(them, first_name="Twee", last_name="Mensen", birth_date=dt.date(1979, 2, 2))
    twin_b = register_client(them, first_name="Twee", last_name="Mensen", birth_date=dt.date(1979, 2, 2))
    distinct = duplicate_pair_dismiss(first=twin_a, second=twin_b, actor=harold)

    conference = conference_schedule(
        actor=hanna,
        region=oostende,
        scheduled_at=timezone.now() - dt.timedelta(hours=2),
        place="Stationsplein 1",
        participants=[arne],
        pathway_ids=[pathway.pk],
    )
    signal = signal_raise(actor=hanna, kind="waiting_list", description="Wachttijd te lang", pathway=pathway)
    notification = notify(users=[hanna], message="Nieuwe doorverwijzing", url=f"/trajecten/{pathway.pk}/", email=False)[
        0
    ]

    employer = employer_register(
        actor=arne,
        region=oostende,
        holder=anker,
        name="Hotel Duin",
        enterprise_number="0403.170.701",
        sector="I",
        municipality=city,
        size="small",
    )
    activity = activity_log(
        actor=arne,
        organisation=anker,
        employer=employer,
        kind="visit",
        happened_on=dt.date(2026, 3, 1),
        summary="Kennismaking",
        follow_up="Terugbellen",
        follow_up_due=dt.date(2026, 3, 20),
    )
    opportunity = opportunity_create(
        actor=arne,
        employer=employer,
        title="Werkervaring keukenhulp",
        kind="work_experience",
        isco_code="9412",
        hours_per_week=30,
        shifts=["day"],
        municipality=city,
        dutch_level="A1",
        driving_licence=False,
        supports=["job_coach"],
        places=2,
        starts_on=dt.date(2026, 4, 1),
    )
    placement, token = placement_propose(
        actor=hanna, organisation=horizon, opportunity=opportunity, client=zenobia, motivation="Gemotiveerd."
    )
    placement_answer(link=link_open(token=token), interested=True)
    placement.refresh_from_db()
    placement_plan_intake(actor=hanna, placement=placement, intake_on=dt.date(2026, 4, 1), start_on=dt.date(2026, 4, 6))
    placement_start(actor=hanna, placement=placement, start_on=dt.date(2026, 4, 6))
    coaching = CoachingContact.objects.filter(placement=placement).order_by("pk").first()

    participation = participation_enter(actor=hanna, pathway=pathway, entry_date=dt.date(2026, 3, 1))

    now = before_deadline(oostende)
    draft = make_candidacy(oostende, submit=False)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = SimpleUploadedFile("plan.pdf", pdf)
    attachment = services_candidacies.attachment_add(candidacy=draft, upload=upload, now=now)
    candidacy = services_candidacies.candidacy_submit(candidacy=draft, now=now)
    criterion = services_jury.criterion_save(region=oostende, actor=harold, name="Bereik", weight=3)
    coverage_run = coverage_run_start(region=oostende, actor=harold, budget=Decimal("10000"))
    jury_membership = services_jury.jury_member_add(
        region=oostende,
        organisation=anker,
        email="jurylid@anker.example",
        first_name="Jan",
        last_name="Jury",
        actor=harold,
    )

    # Eddy's membership ends after he worked on the case
    Membership.objects.filter(user=people["ended"]).update(is_active=False)

    args = {
        # by URL parameter name (with the route's name when one name means several things)
        "pk": None,
        "client_pk": zenobia.pk,
        "pathway_pk": pathway.pk,
        "consent_pk": consent.pk,
        "screening_pk": screening.pk,
        "merge_pk": merge.pk,
        "pair_pk": distinct.pk,
        "action_pk": action.pk,
        "activity_pk": activity.pk,
        "opportunity_pk": opportunity.pk,
        "contact_pk": coaching.pk if coaching else 0,
        "session_pk": session.pk,
        "request_pk": rectification.pk,
        "round": 1,
        "attachment": attachment.pk,
        "code": oostende.code,
        "fmt": "csv",
        "step": "domeinen",
        "decision": "bevestigen",
        "uidb64": "MQ",
        "object_id": str(hanna.pk),
        "app_label": "accounts",
    }
    # what ``pk`` means, by the first part of the route's name
    pk_by_namespace = {
        "clients": zenobia.pk,
        "api": zenobia.pk,
        "pathways": pathway.pk,
        "conferences": conference.pk,
        "employers": employer.pk,
        "esf": participation.pk,
        "esf_api": participation.pk,
        "groups": group.pk,
        "matching": zenobia.pk,
        "notifications": notification.pk,
        "offers": offer.pk,
        "partnership": candidacy.pk,
        "referrals": referral.pk,
    }
    # routes whose ``pk`` is another kind of object than their namespace's
    pk_by_route = {
        "api:pathway-detail": pathway.pk,
        "api:pathway-contacts": pathway.pk,
        "conferences:signal_resolve": signal.pk,
        "employers:opportunity": opportunity.pk,
        "employers:opportunity_close": opportunity.pk,
        "employers:close_pathway": placement.pk,
        "employers:coaching": placement.pk,
        "employers:placement": placement.pk,
        "employers:follow_up": placement.pk,
        "employers:placement_consent": placement.pk,
        "employers:placement_end": placement.pk,
        "employers:placement_intake": placement.pk,
        "employers:placement_renew": placement.pk,
        "employers:placement_start": placement.pk,
        "employers:placement_withdraw": placement.pk,
        "matching:run": run.pk,
        "matching:decide": proposal.pk if proposal else 0,
        "partnership:criterion_edit": criterion.pk,
        "partnership:jury_coverage_run": coverage_run.pk,
        "partnership:jury_member_remove": jury_membership.pk,
        "partnership:attachment_remove": attachment.pk,
        "esf_api:participation-detail": participation.pk,
    }
    # the admin site's object pages (``admin:<app>_<model>_change``, ``_delete``, ``_history``) open an object of
    # their own model: the first one (0 when the model has none), the other organisation's counsellor for users.
    # One id for every model made the outcome depend on which ids the database happened to hand out (PostgreSQL's
    # sequences go on across tests: the user's id named no obstacle there).
    admin_pk = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}": (
            model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 0
        )
        for model in admin.site._registry
    }
    admin_pk["admin:accounts_user"] = hanna.pk
    tokens = {"partnership": candidacy.token, "employers": token, "accounts": "set-password"}
    transitions = {"pathways": "pauzeren", "referrals": "aanvaarden"}
    return SimpleNamespace(
        people=people,
        args=args,
        pk_by_namespace=pk_by_namespace,
        pk_by_route=pk_by_route,
        admin_pk=admin_pk,
        tokens=tokens,
        transitions=transitions,
        client=zenobia,
        pathway=pathway,
    )
