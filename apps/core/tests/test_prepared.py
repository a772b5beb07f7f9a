"""A prepared query gives what its plain ORM run gives (apps/core/prepared.py): the same instances with the same
field values, the same related objects and annotations, on SQLite and PostgreSQL, for ids, lists of ids,
dates and datetimes; and it refuses a builder it cannot run faithfully."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.accounts.models import Membership, User
from apps.accounts.permissions import active_memberships
from apps.clients.models import Client
from apps.core.prepared import Prepared
from apps.pathways.models import Pathway, TeamMember
from tests.factories import register_client, start_pathway

pytestmark = pytest.mark.django_db


def snapshot(obj: Any, related: tuple[str, ...] = (), annotations: tuple[str, ...] = ()) -> Any:
    """Every concrete field value of ``obj`` and of each related object (``"a__b"`` paths), and annotations."""

    def fields(instance: Any) -> Any:
        if instance is None:
            return None
        return (
            type(instance).__name__,
            {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields},
        )

    shown = [fields(obj)]
    for path in related:
        target = obj
        for name in path.split("__"):
            assert type(target)._meta.get_field(name).is_cached(target), f"{path} was not loaded with the row"
            target = getattr(target, name)
            if target is None:
                break
        shown.append((path, fields(target)))
    shown.extend((name, getattr(obj, name)) for name in annotations)
    return shown


def test_a_users_memberships_with_user_organisation_and_region_are_those_the_orm_gives(personas):
    prepared = Prepared(lambda user_id: active_memberships().filter(user_id=user_id).select_related("user"))
    related = ("user", "organisation", "organisation__region")
    for user in (personas.sofie, personas.wouter, personas.els):
        plain = list(active_memberships().filter(user_id=user.pk).select_related("user"))
        assert plain
        assert [snapshot(m, related) for m in prepared(user_id=user.pk)] == [snapshot(m, related) for m in plain]
    assert prepared(user_id=-1) == []
    assert len(prepared.shapes) == 1  # compiled once


def test_after_the_first_call_it_runs_one_query_and_builds_nothing(personas, django_assert_num_queries):
    prepared = Prepared(lambda user_id: Membership.objects.filter(user_id=user_id))
    prepared(user_id=personas.sofie.pk)
    with django_assert_num_queries(1):
        assert [m.user_id for m in prepared(user_id=personas.wouter.pk)] == [personas.wouter.pk]


def test_lists_give_one_shape_per_length_and_an_empty_list_no_query(personas, django_assert_num_queries):
    prepared = Prepared(lambda ids: User.objects.filter(pk__in=ids).order_by("pk"))
    people = [personas.sofie, personas.wouter, personas.els]
    assert [u.username for u in prepared(ids=[p.pk for p in people])] == sorted(
        (p.username for p in people), key=lambda n: User.objects.get(username=n).pk
    )
    assert [u.pk for u in prepared(ids=[personas.yonas.pk])] == [personas.yonas.pk]
    assert [u.pk for u in prepared(ids=[personas.yonas.pk, personas.yonas.pk])] == [personas.yonas.pk]
    with django_assert_num_queries(0):
        assert prepared(ids=[]) == []
    assert len(prepared.shapes) == 4


def test_dates_datetimes_nullable_relations_and_annotations_come_back_as_the_orm_gives_them(personas):
    mariam = register_client(personas)
    start_pathway(personas, mariam)
    register_client(personas, first_name="Jonas", last_name="Peeters", deelgemeente=None)

    def build(organisation_id: int, born_before: dt.date, since: dt.datetime) -> Any:
        return (
            Client.objects.select_related("organisation", "municipality", "deelgemeente", "registered_by")
            .filter(organisation_id=organisation_id, birth_date__lt=born_before, created_at__gte=since)
            .annotate(
                pathways_n=Count("pathways"),
                working=Exists(Pathway.objects.filter(client=OuterRef("pk"), status="active")),
            )
            .filter(Q(merged_into__isnull=True))
            .order_by("last_name", "pk")
        )

    prepared = Prepared(build)
    related = ("organisation", "municipality", "deelgemeente", "registered_by")
    for arguments in (
        {
            "organisation_id": personas.lb.pk,
            "born_before": dt.date(2030, 1, 1),
            "since": timezone.now() - dt.timedelta(days=1),
        },
        {
            "organisation_id": personas.lb.pk,
            "born_before": dt.date(1990, 1, 1),
            "since": timezone.now() - dt.timedelta(days=1),
        },
        {
            "organisation_id": personas.lb.pk,
            "born_before": dt.date(2030, 1, 1),
            "since": timezone.now() + dt.timedelta(days=1),
        },
    ):
        plain = [snapshot(c, related, ("pathways_n", "working")) for c in build(**arguments)]
        assert [snapshot(c, related, ("pathways_n", "working")) for c in prepared(**arguments)] == plain
    everyone = prepared(
        organisation_id=personas.lb.pk, born_before=dt.date(2030, 1, 1), since=timezone.now() - dt.timedelta(days=1)
    )
    assert [(c.first_name, c.pathways_n, type(c.birth_date)) for c in everyone] == [
        ("Jonas", 0, dt.date),
        ("Mariam", 1, dt.date),
    ]
    assert everyone[1]._state.adding is False and everyone[1]._state.db == "default"


def test_a_builder_whose_argument_does_not_reach_the_sql_as_itself_is_refused(personas):
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda user_id: User.objects.filter(pk=user_id + 1))(user_id=personas.sofie.pk)
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda user_ids: User.objects.filter(pk__in=[i + 1 for i in user_ids]))(user_ids=[personas.sofie.pk])
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda user_id: User.objects.filter(pk=user_id).prefetch_related("memberships"))(
            user_id=personas.sofie.pk
        )
    with pytest.raises(ImproperlyConfigured):  # the text reaches the SQL inside %...%
        Prepared(lambda name: User.objects.filter(username__contains=name))(name="sofie")
    with pytest.raises(ImproperlyConfigured):  # neither a number, a text nor a day
        Prepared(lambda ratio: User.objects.filter(pk__gt=ratio))(ratio=1.5)
    with pytest.raises(ImproperlyConfigured):  # the clock's today would be frozen into the SQL
        Prepared(lambda user_id: User.objects.filter(pk=user_id, date_joined__lt=timezone.now()))(
            user_id=personas.sofie.pk
        )


def test_texts_and_lists_of_texts_in_a_union_give_what_the_orm_gives_and_an_empty_one_drops_its_part(personas):
    def build(names, emails):
        by_name = User.objects.filter(username__in=names).values("pk")
        by_email = User.objects.filter(email__in=emails).values("pk")
        return User.objects.filter(pk__in=by_name.union(by_email, all=True)).order_by("username")

    prepared = Prepared(build)
    users = list(User.objects.order_by("username")[:3])
    for names, emails in [
        ([users[0].username], [users[1].email, users[2].email]),
        ([users[2].username], []),
        (["nobody", users[1].username], [users[0].email]),
        (["nobody"], ["'; DROP TABLE accounts_user; --"]),
    ]:
        assert prepared(names=names, emails=emails) == list(build(names, emails))
    one = Prepared(lambda name: User.objects.filter(username=name))
    assert one(name=personas.sofie.username) == [personas.sofie]
    assert one(name="sofie' OR '1'='1") == []


def test_a_team_with_its_pathway_client_and_closure_comes_back_as_the_orm_gives_it(personas):
    pathway = start_pathway(personas)

    def build(pk: int) -> Any:
        return TeamMember.objects.filter(pathway_id=pk).select_related(
            "pathway", "pathway__client", "pathway__closure", "user", "organisation"
        )

    related = ("pathway", "pathway__client", "user", "organisation")
    prepared = Prepared(build)
    with CaptureQueriesContext(connection):
        plain = sorted((snapshot(m, related) for m in build(pathway.pk)), key=repr)
    assert sorted((snapshot(m, related) for m in prepared(pk=pathway.pk)), key=repr) == plain
    member = prepared(pk=pathway.pk)[0]
    assert TeamMember._meta.get_field("pathway").is_cached(member)
    with pytest.raises(Pathway.closure.RelatedObjectDoesNotExist):  # loaded as absent, as the ORM leaves it
        member.pathway.closure  # noqa: B018


def test_values_values_list_and_flat_lists_come_back_as_the_orm_gives_them(personas):
    register_client(personas)
    register_client(personas, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1980, 2, 3))

    def build(organisation_id: int) -> Any:
        return (
            Client.objects.filter(organisation_id=organisation_id)
            .annotate(pathways_n=Count("pathways"))
            .order_by("last_name")
        )

    builds = {
        "values": lambda organisation_id: build(organisation_id).values("first_name", "birth_date", "pathways_n"),
        "values_list": lambda organisation_id: build(organisation_id).values_list("pathways_n", "birth_date", "pk"),
        "flat": lambda organisation_id: build(organisation_id).values_list("birth_date", flat=True),
    }
    for name, builder in builds.items():
        for organisation in (personas.lb, personas.brug):
            assert Prepared(builder)(organisation_id=organisation.pk) == list(builder(organisation.pk)), name
    assert Prepared(builds["flat"])(organisation_id=personas.lb.pk) == [dt.date(1980, 2, 3), dt.date(1998, 5, 4)]


def test_a_date_moved_by_whole_days_inside_the_builder_follows_the_days_argument(personas):
    register_client(personas)  # born 1998-05-04
    register_client(personas, first_name="Jonas", birth_date=dt.date(1998, 5, 20))

    def build(day: dt.date, organisation_id: int) -> Any:
        window = dt.timedelta(days=10)
        return Client.objects.filter(
            organisation_id=organisation_id, birth_date__gte=day - window, birth_date__lte=day + window
        ).order_by("birth_date")

    prepared = Prepared(build)
    for day in (dt.date(1998, 5, 1), dt.date(1998, 5, 12), dt.date(1998, 5, 30), dt.date(2026, 1, 1)):
        assert [c.pk for c in prepared(day=day, organisation_id=personas.lb.pk)] == [
            c.pk for c in build(day, personas.lb.pk)
        ]
    assert [c.first_name for c in prepared(day=dt.date(1998, 5, 12), organisation_id=personas.lb.pk)] == [
        "Mariam",
        "Jonas",
    ]


def test_a_date_moved_to_the_end_of_its_week_or_month_is_refused(personas):
    """A move that depends on the day (to Sunday, to the month's end) would keep the stand-in day's move for every
    day: the caseload's "this week" once kept Saturday's (one day) on a Wednesday."""

    def week(day: dt.date) -> Any:
        return Client.objects.filter(birth_date__lte=day + dt.timedelta(days=6 - day.weekday()))

    def month(day: dt.date) -> Any:
        next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return Client.objects.filter(birth_date__lt=next_month)

    for build in (week, month):
        with pytest.raises(ImproperlyConfigured, match="depends on the date"):
            Prepared(build)(day=dt.date(2026, 12, 2))


@pytest.fixture
def three_clients(personas):
    return [
        register_client(personas, first_name=name, birth_date=born)
        for name, born in (
            ("Mariam", dt.date(1998, 5, 4)),
            ("Jonas", dt.date(1980, 2, 3)),
            ("Ilse", dt.date(2001, 12, 31)),
        )
    ]


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(min_value=0, max_value=4), max_size=5),
    day=st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2040, 12, 31)),
    days=st.integers(min_value=-3000, max_value=3000),
)
def test_any_ids_and_day_give_what_the_orm_gives(three_clients, picks, day, days):
    """Ids of existing clients, unknown ids and repeats, any day and any shift of it: the same rows, in order."""
    known = [c.pk for c in three_clients]
    ids = [known[i] if i < len(known) else 10**9 + i for i in picks]

    def build(ids: list[int], day: dt.date) -> Any:
        return (
            Client.objects.filter(pk__in=ids)
            .filter(Q(birth_date__lte=day + dt.timedelta(days=days)) | Q(birth_date__gt=day))
            .order_by("birth_date", "pk")
        )

    prepared = PREPARED.setdefault(days, Prepared(build))
    assert [c.pk for c in prepared(ids=ids, day=day)] == [c.pk for c in build(ids, day)]
    assert PREPARED_NAMES(ids=ids, day=day) == list(names(ids, day))


def names(ids: list[int], day: dt.date) -> Any:
    return (
        Client.objects.filter(pk__in=ids, birth_date__lte=day)
        .order_by("birth_date", "pk")
        .values_list("first_name", flat=True)
    )


PREPARED: dict[int, Prepared[Any]] = {}
PREPARED_NAMES = Prepared(names)
