"""The home page's to-do rows written out in Python (apps/workspace/templatetags/todo.py) give the HTML the
template loops gave, list by list, in both languages, with hostile names, titles and descriptions escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Engine
from django.utils import timezone, translation

from apps.accounts.models import Organisation
from apps.clients.models import Client
from apps.conferences.models import CaseConference
from apps.consent.models import Consent
from apps.esf.models import Participation
from apps.matching.models import AllocationProposal
from apps.offers.models import Offer, WaitingListEntry
from apps.pathways.models import Action, Closure, Pathway
from apps.referrals.models import Referral
from apps.workspace.templatetags import todo

# the template loops the tags replaced (home.html before them), each between {# name #} and {# /name #}
REFERENCE = (Path(__file__).parent / "todo_items_reference.html").read_text(encoding="utf-8")
NASTY = '<script>alert("x")</script> & =cmd|"/C calc"!A0'
TODAY = dt.date(2026, 12, 2)


def loop(name: str) -> str:
    return "{% load i18n %}" + REFERENCE.split(f"{{# {name} #}}")[1].split(f"{{# /{name} #}}")[0]


def client(first: str = "Mariam", last: str = NASTY, pk: int = 7) -> Client:
    return Client(pk=pk, first_name=first, last_name=last)


def pathway(pk: int = 3) -> Pathway:
    return Pathway(pk=pk, client=client(), organisation=Organisation(name=NASTY))


def offer() -> Offer:
    return Offer(pk=4, title=NASTY, organisation=Organisation(name="De <Brug>"))


def at(day: int, hour: int = 23) -> dt.datetime:
    # late in the evening in UTC: already the next day in Brussels, as the date filter shows it
    return dt.datetime(2026, 11, day, hour, 30, tzinfo=dt.UTC)


def participation(kind: int) -> Participation:
    row = Participation(pk=10 + kind, client=client(), leaving_date=dt.date(2026, 5, 1))
    row.follow_up_due = dt.date(2026, 11, 1)
    row.esf_kind = kind  # type: ignore[attr-defined]
    return row


def member(name: str, kind: str, members: int, clients: int) -> Organisation:
    row = Organisation(name=name, kind=kind)
    row.n_members, row.n_clients = members, clients  # type: ignore[attr-defined]  # partnership_overview's
    return row


CASES: dict[str, tuple[Any, list[Any], Any]] = {
    "referrals": (
        todo.todo_referrals,
        [(Referral(pk=5, offer=offer(), pathway=pathway(), created_at=at(9)), NASTY), (
            Referral(pk=6, offer=offer(), pathway=pathway(), created_at=at(9, 8)), "hulpvrager #7")],
        None,
    ),
    "actions": (
        todo.todo_actions,
        [Action(pk=1, pathway=pathway(), description=NASTY, due_on=TODAY - dt.timedelta(days=1)),
         Action(pk=2, pathway=pathway(8), description="Bellen", due_on=TODAY),
         Action(pk=3, pathway=pathway(9), description="Zonder datum", due_on=None)],
        TODAY,
    ),
    "proposals": (
        todo.todo_proposals,
        [AllocationProposal(pk=1, entry=WaitingListEntry(client=client()), offer=offer())],
        None,
    ),
    "follow_ups": (todo.todo_follow_ups, [Closure(pathway=pathway(), follow_up_due=TODAY)], None),
    "esf": (todo.todo_esf, [participation(1), participation(2), participation(3)], None),
    "consents": (
        todo.todo_consents,
        [Consent(client=client(), valid_until=TODAY - dt.timedelta(days=3)),
         Consent(client=client("Jonas", "Peeters", 8), valid_until=TODAY)],
        TODAY,
    ),
    "conferences": (todo.todo_conferences, [CaseConference(pk=2, scheduled_at=at(30))], None),
    "escalations": (todo.todo_escalations, [Referral(pk=5, offer=offer(), created_at=at(1))], None),
    "partnership": (todo.partnership_rows, [member(NASTY, "vdab", 12, 1234),
                    member("OCMW Gistel", "local_government", 3, 0), member("De <Brug>", "partner", 0, 7)], None),
}  # fmt: skip


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_list_is_the_html_the_template_loop_gave(name: str, language: str) -> None:
    tag, rows, today = CASES[name]
    with translation.override(language), timezone.override("Europe/Brussels"):
        expected = Engine.get_default().from_string(loop(name)).render(Context({"todo": {name: rows, "today": today}}))
        written = tag(rows, today) if today is not None else tag(rows)
        assert not tag([], today) if today is not None else not tag([])
    assert squeezed(written) == squeezed(expected)
    assert "<script>" not in written and "<Brug>" not in written
