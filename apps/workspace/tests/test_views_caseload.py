"""The caseload ("Mijn werk"): a table per person with client names, overdue marking, filters, and hand-over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AuditEntry
from apps.consent.models import Consent
from apps.consent.services import consent_withdraw
from apps.offers.services import waiting_list_add
from apps.pathways.models import Action, TeamMember, TeamRole
from apps.pathways.services import action_add, action_set_status, contact_log_add, pathway_start, team_add
from apps.pathways.services_handover import caseload_hand_over
from apps.regions.models import Challenge
from apps.workspace.selectors_caseload import caseload_index, caseload_queryset, caseload_rows, filter_caseload
from conftest import complete_screening, make_user, register_client
from tests.factories import give_consent, start_pathway

URL = "/trajecten/mijn-werk/"


def open_pathway(personas: Any, last_name: str, *, due_in: int | None = None, obstacles: list[str] | None = None):
    client = register_client(personas, last_name=last_name)
    complete_screening(client, personas.sofie, obstacles=obstacles or ["no-network"])
    pathway = pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)
    if due_in is not None:
        action_add(
            pathway=pathway,
            actor=personas.sofie,
            description=f"Bellen voor {last_name}",
            owner=personas.sofie,
            owner_organisation=personas.lb,
            due_on=timezone.localdate() + dt.timedelta(days=due_in),
        )
    return pathway


def test_sofie_sees_her_clients_by_name_with_the_next_action_and_overdue_marked(personas: Any, client: Browser) -> None:
    open_pathway(personas, "Overdue", due_in=-3)
    open_pathway(personas, "Later", due_in=20)
    client.force_login(personas.sofie)
    html = client.get(URL).content.decode()
    assert "Mariam Overdue" in html and "Mariam Later" in html
    assert "Bellen voor Overdue" in html
    assert "Traject #" not in html
    assert html.index("Mariam Overdue") < html.index("Mariam Later")  # sorted by next due date
    assert "table-danger" in html and "(te laat)" in html


def test_the_filters_show_overdue_this_week_and_by_challenge(personas: Any, client: Browser) -> None:
    open_pathway(personas, "Overdue", due_in=-3, obstacles=["limited-dutch"])
    open_pathway(personas, "Later", due_in=40)
    client.force_login(personas.sofie)
    html = client.get(URL, {"show": "overdue"}).content.decode()
    assert "Mariam Overdue" in html and "Mariam Later" not in html
    html = client.get(URL, {"show": "waiting"}).content.decode()
    assert "Mariam Overdue" not in html and "Mariam Later" not in html
    challenge = (
        Challenge.objects.filter(region=personas.region, obstacle_lines__obstacles__code="limited-dutch")
        .exclude(obstacle_lines__obstacles__code="no-network")
        .first()
    )
    assert challenge is not None
    html = client.get(URL, {"challenge": str(challenge.pk), "sort": "name"}).content.decode()
    assert "Mariam Overdue" in html and "Mariam Later" not in html


def test_junk_filter_values_are_a_400_not_a_crash(personas: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    assert client.get(URL, {"show": "<script>", "challenge": "x"}).status_code == 400
    assert client.get(URL, {"page": "zzz"}).status_code == 200


def test_the_waiting_list_position_is_shown(personas: Any, client: Browser) -> None:
    pathway = open_pathway(personas, "Wacht")
    waiting_list_add(client=pathway.client, actor=personas.sofie)
    client.force_login(personas.sofie)
    assert "positie 1" in client.get(URL).content.decode()


def test_the_caseload_is_per_person_and_outsiders_and_jury_get_404(personas: Any, client: Browser) -> None:
    open_pathway(personas, "VanSofie")
    client.force_login(personas.yonas)
    assert "Mariam VanSofie" not in client.get(URL).content.decode()
    for outsider in (personas.ine, personas.nadia):
        client.force_login(outsider)
        assert client.get(URL).status_code == 404


def seat(personas: Any, pathway: Any, who: str) -> None:
    """Yonas (peer companion, Lokaal bestuur) or Els (partner worker, De Brug: with the client's consent to share
    the identity for guidance) joins the pathway's case team."""
    if who == "yonas":
        team_add(pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb,
                 role=TeamRole.PEER_COMPANION)  # fmt: skip
    elif who == "els":
        give_consent(personas, pathway.client, categories=["identity"], purposes=["guidance"])
        team_add(pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug,
                 role=TeamRole.PARTNER_WORKER)  # fmt: skip


def busy_pathway(personas: Any, last_name: str, *, due_in: int, who: str) -> Any:
    """An open pathway with an action, a contact, a waiting-list place and ``who`` on its team."""
    pathway = open_pathway(personas, last_name, due_in=due_in)
    waiting_list_add(client=pathway.client, actor=personas.sofie)
    contact_log_add(
        pathway=pathway, actor=personas.sofie, organisation=personas.lb, happened_on=timezone.localdate(),
        place="home", summary="contact",
    )  # fmt: skip
    seat(personas, pathway, who)
    return pathway


# session, user with memberships (one query), menu counts, the caseload's ids with the user's own seats (2; a
# peer's opened seals or a partner's consents: 1 more), the page's rows as values, waiting positions, colleagues,
# and the record of the page's read (2, savepoint included); the challenges of the filter cost none (kept per
# region version)
@pytest.mark.parametrize("who", ["sofie", "yonas", "els"])
def test_my_work_takes_at_most_twelve_queries_for_every_role_whatever_the_caseload(
    personas: Any, client: Browser, django_assert_max_num_queries: Any, who: str
) -> None:
    busy_pathway(personas, "Eerste", due_in=1, who=who)
    client.force_login(getattr(personas, who))
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert "Mariam Eerste" in client.get(URL).content.decode()
    assert len(few) <= 12, [q["sql"][:90] for q in few]
    for i in range(30):
        busy_pathway(personas, f"Meer{i:02d}", due_in=i - 5, who=who)
    with django_assert_max_num_queries(len(few)):
        html = client.get(URL).content.decode()
    assert "Pagina 1 van 2" in html and "Mariam Meer00" in html and "Traject #" not in html


def test_a_partner_sees_a_team_pathway_only_while_the_consent_shares_the_identity(
    personas: Any, client: Browser
) -> None:
    shared = busy_pathway(personas, "Gedeeld", due_in=2, who="els")
    unshared = busy_pathway(personas, "Verborgen", due_in=2, who="els")
    # the consent ends (recorded by itself, without the team's cascade): Els's seat no longer opens the file
    consent_withdraw(consent=Consent.objects.get(client=unshared.client), actor=personas.sofie)
    client.force_login(personas.els)
    html = client.get(URL).content.decode()
    assert "Mariam Gedeeld" in html and "Verborgen" not in html
    assert f'id="pick-{shared.pk}"' in html and f'id="pick-{unshared.pk}"' not in html
    assert "1 open traject in je caseload" in html
    client.force_login(personas.olaf)  # another partner organisation, on no team
    html = client.get(URL).content.decode()
    assert "Mariam Gedeeld" not in html and "Verborgen" not in html


def test_each_row_shows_the_stage_next_action_last_contact_referrals_and_waiting_place(
    personas: Any, client: Browser
) -> None:
    pathway = busy_pathway(personas, "Rij", due_in=-1, who="yonas")
    client.force_login(personas.yonas)
    html = client.get(URL).content.decode()
    row = html.split(f'id="pick-{pathway.pk}"')[1].split("</tr>")[0]
    assert pathway.get_status_display() in row and "Bellen voor Rij" in row and "(te laat)" in row
    assert f'<time datetime="{timezone.localdate().isoformat()}">' in row  # the last contact, today
    assert "positie 1" in row
    assert "Selecteer Mariam Rij" in html


def test_the_caseload_sorts_by_the_earliest_open_dated_action_undated_and_done_ones_aside(personas: Any) -> None:
    """next_due is the earliest due date among open or running actions: done and cancelled ones do not count,
    undated ones give no date (the pathway goes last), as the row's next action shows it."""
    today = timezone.localdate()
    plans: dict[str, list[tuple[int | None, str]]] = {
        "Vroeg": [(3, "open"), (-9, "done"), (None, "open")],
        "Laat": [(None, "open"), (8, "in_progress"), (1, "cancelled")],
        "Leeg": [(None, "open")],
        "Niets": [],
        "Midden": [(5, "in_progress"), (6, "open")],
    }
    for name, actions in plans.items():
        pathway = open_pathway(personas, name)
        for due_in, status in actions:
            action = action_add(
                pathway=pathway, actor=personas.sofie, description=f"{name} {due_in}", owner=personas.sofie,
                owner_organisation=personas.lb, due_on=None if due_in is None else today + dt.timedelta(days=due_in),
            )  # fmt: skip
            if status != "open":
                action_set_status(action=action, actor=personas.sofie, status=status)
    caseload = caseload_index(user=personas.sofie, today=today, sort="due")
    rows = caseload_rows(user=personas.sofie, today=today, entries=caseload.entries, organisation_ids=[personas.lb.pk])
    assert [r.last_name for r in rows][:3] == ["Vroeg", "Midden", "Laat"]
    assert {r.last_name for r in rows[3:]} == {"Leeg", "Niets"}
    assert [r.next_due for r in rows][:3] == [today + dt.timedelta(days=d) for d in (3, 5, 8)]
    assert all(r.next_due is None for r in rows[3:])


@pytest.mark.parametrize("weekday", range(7))
def test_this_weeks_filter_reaches_sunday_whatever_the_day(personas: Any, weekday: int) -> None:
    """Monday to Sunday: on each day of the week, "this week" holds the actions due from today to Sunday, as the
    plain ORM query finds them (the compiled query once kept a Saturday's one-day week on every day)."""
    monday = dt.date(2026, 11, 30)
    today = monday + dt.timedelta(days=weekday)
    for offset in range(-2, 10):
        pathway = open_pathway(personas, f"Dag{offset}")
        action_add(
            pathway=pathway, actor=personas.sofie, description="Bellen", owner=personas.sofie,
            owner_organisation=personas.lb, due_on=monday + dt.timedelta(days=offset),
        )  # fmt: skip
    shown = {e.pathway_id for e in caseload_index(user=personas.sofie, today=today, show="week").entries}
    expected = set(
        filter_caseload(caseload_queryset(user=personas.sofie, today=today), today=today, show="week").values_list(
            "pk", flat=True
        )
    )
    sunday = monday + dt.timedelta(days=6)
    assert shown == expected
    assert len(shown) == (sunday - today).days + 1


def test_sofie_hands_her_caseload_to_lien_in_one_audited_step(personas: Any, client: Browser) -> None:
    lien = make_user("lien", "Lien", [(personas.lb, Role.COUNSELLOR)])
    one = open_pathway(personas, "Een", due_in=2)
    two = open_pathway(personas, "Twee", due_in=3)
    client.force_login(personas.sofie)
    response = client.post(URL, {"to_user": lien.pk, "scope": "selected", "pathway": [one.pk]})
    assert response.status_code == 302
    assert TeamMember.objects.get(pathway=one, user=lien, is_active=True).role == TeamRole.COUNSELLOR
    assert not TeamMember.objects.filter(pathway=one, user=personas.sofie, is_active=True).exists()
    assert TeamMember.objects.filter(pathway=two, user=personas.sofie, is_active=True).exists()
    assert Action.objects.get(pathway=one).owner == lien
    entry = AuditEntry.objects.get(action="pathways.caseload.handed_over")
    assert entry.changes["pathways"] == [one.pk] and entry.changes["actions"] == 1
    response = client.post(URL + "?show=week&sort=name", {"to_user": lien.pk, "scope": "all"})
    assert response.status_code == 302 and response["Location"] == URL + "?show=week&sort=name"  # the same view again
    assert not TeamMember.objects.filter(user=personas.sofie, is_active=True).exists()


def test_the_direction_of_a_pathway_goes_only_to_a_counsellor(personas: Any, client: Browser) -> None:
    """The counsellor holds a pathway's direction (trajectbegeleider): handed to a peer companion it would leave
    the pathway without one who may change the plan or close it. Handed to a counsellor who already sits on the
    team in another role, that seat takes the direction over."""
    lien = make_user("lien", "Lien", [(personas.lb, Role.COUNSELLOR)])
    pathway = busy_pathway(personas, "Regie", due_in=2, who="yonas")  # Yonas sits on the team as peer companion
    client.force_login(personas.sofie)
    response = client.post(URL, {"to_user": personas.yonas.pk, "scope": "all"})
    assert response.status_code == 400 and "alleen een trajectbegeleider" in response.content.decode()
    assert TeamMember.objects.get(pathway=pathway, user=personas.sofie, is_active=True).role == TeamRole.COUNSELLOR
    team_add(pathway=pathway, actor=personas.sofie, user=lien, organisation=personas.lb,
             role=TeamRole.PEER_COMPANION, task="Meegaan naar afspraken")  # fmt: skip
    caseload_hand_over(actor=personas.sofie, from_user=personas.sofie, to_user=lien, organisation=personas.lb)
    seat = TeamMember.objects.get(pathway=pathway, user=lien, is_active=True)
    assert seat.role == TeamRole.COUNSELLOR
    entry = AuditEntry.objects.filter(action="pathways.caseload.handed_over").latest("sequence")
    assert entry.changes["direction_in_own_seat"] == [pathway.pk]
    assert not TeamMember.objects.filter(pathway=pathway, user=personas.sofie, is_active=True).exists()


def test_a_hand_over_to_someone_outside_the_organisation_is_refused_and_nothing_moves(personas: Any) -> None:
    pathway = open_pathway(personas, "Blijft", due_in=2)
    with pytest.raises(ValidationError):
        caseload_hand_over(
            actor=personas.sofie, from_user=personas.sofie, to_user=personas.olaf, organisation=personas.lb
        )
    with pytest.raises(ValidationError):
        caseload_hand_over(
            actor=personas.olaf, from_user=personas.sofie, to_user=personas.yonas, organisation=personas.lb
        )
    assert TeamMember.objects.get(pathway=pathway, is_active=True).user == personas.sofie
    # the coordinator may hand over for a worker who left, to another counsellor
    lien = make_user("lien", "Lien", [(personas.lb, Role.COUNSELLOR)])
    result = caseload_hand_over(actor=personas.wouter, from_user=personas.sofie, to_user=lien, organisation=personas.lb)
    assert result.pathway_ids == [pathway.pk]


def test_a_hand_over_form_without_a_selection_says_what_to_do(personas: Any, client: Browser) -> None:
    open_pathway(personas, "Een")
    client.force_login(personas.sofie)
    response = client.post(URL, {"to_user": personas.yonas.pk, "scope": "selected"})
    assert response.status_code == 400
    assert "Vink minstens" in response.content.decode()
    # the page's own Dutch errors, not the browser's prompt (in the browser's language)
    assert 'id="handover" class="row g-2 align-items-end" novalidate' in response.content.decode()


@pytest.mark.parametrize("picked", ["other", "abc", "99999999999999999999999"])
def test_a_hand_over_of_a_pathway_outside_the_caseload_or_junk_is_refused_and_nothing_moves(
    personas: Any, client: Browser, picked: str
) -> None:
    own = open_pathway(personas, "Eigen", due_in=2)
    elsewhere = start_pathway(personas, register_client(personas, organisation=personas.kompas, actor=personas.karim),
                              organisation=personas.kompas, actor=personas.karim)  # fmt: skip
    client.force_login(personas.sofie)
    value = str(elsewhere.pk) if picked == "other" else picked
    response = client.post(URL, {"to_user": personas.yonas.pk, "scope": "selected", "pathway": [own.pk, value]})
    html = response.content.decode()
    assert response.status_code == 400 and "niet (meer) in je caseload" in html
    assert "Vink minstens" not in html  # one error, the one that says what happened
    assert f'id="pick-{own.pk}" checked>' in html  # the selection stays ticked
    assert TeamMember.objects.get(pathway=own, is_active=True).user == personas.sofie
    assert not AuditEntry.objects.filter(action="pathways.caseload.handed_over").exists()


def test_only_the_page_shown_is_recorded_as_read_and_the_count_covers_the_whole_caseload(
    personas: Any, client: Browser
) -> None:
    """A caseload of 30 shows 25 rows: the total and the overdue count cover all 30, but the record of the read
    names only the 25 clients on the page (GDPR: what was seen, not what could have been)."""
    for i in range(30):
        open_pathway(personas, f"Hulp{i:02d}", due_in=i - 10)
    client.force_login(personas.sofie)
    before = AuditEntry.objects.count()
    html = client.get(URL).content.decode()
    assert "Trajecten 1 tot 25 van 30" in html
    reads = AuditEntry.objects.order_by("pk")[before:]
    read_ids = {c for e in reads for c in (e.changes or {}).get("clients", [])}
    assert len(read_ids) == 25
