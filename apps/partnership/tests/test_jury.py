"""The jury: members, criteria, conflicts of interest, scores with history, consensus, shortlist, ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from apps.accounts.models import Membership, Role
from apps.audit.models import AuditEntry
from apps.partnership import services_jury
from apps.partnership.models import Candidacy, Score, ScoreChange
from apps.partnership.selectors import ranking
from apps.partnership.tests.conftest import make_candidacy
from apps.regions.models import Challenge


def second_juror(personas: Any) -> Any:
    membership = services_jury.jury_member_add(
        region=personas.region, organisation=personas.lb, email="jan@example.org", first_name="Jan",
        last_name="Jury", actor=personas.wouter,
    )  # fmt: skip
    return membership.user


def score_all(candidacy: Candidacy, member: Any, criteria: list[Any], values: list[int], round: int = 1) -> None:
    services_jury.conflict_declare(candidacy=candidacy, member=member, has_conflict=False)
    services_jury.scores_save(
        candidacy=candidacy,
        member=member,
        round=round,
        values={c.pk: (v, f"Motivatie {v}") for c, v in zip(criteria, values, strict=True)},
    )


def test_the_coordinator_manages_jury_members(personas: Any, client: Browser) -> None:
    client.force_login(personas.wouter)
    response = client.post(
        "/oproep/oostende/jury/leden/",
        {"email": "jan@example.org", "first_name": "Jan", "last_name": "Jury", "organisation": personas.vdab.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="jan@example.org", role=Role.JURY_MEMBER, is_active=True)
    assert "jan@example.org" in client.get("/oproep/oostende/jury/leden/").content.decode()
    asked = client.post(f"/oproep/oostende/jury/leden/{membership.pk}/verwijderen/")
    assert asked.status_code == 200 and 'id="consequence"' in asked.content.decode()
    membership.refresh_from_db()
    assert membership.is_active  # the first POST asks and changes nothing
    client.post(f"/oproep/oostende/jury/leden/{membership.pk}/verwijderen/", {"confirmed": "1"})
    membership.refresh_from_db()
    assert not membership.is_active
    # another region's organisation cannot be chosen
    response = client.post(
        "/oproep/oostende/jury/leden/",
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "organisation": personas.westhoek_org.pk},
    )
    assert response.status_code == 200 and not Membership.objects.filter(user__email="x@example.org").exists()


def test_the_coordinator_sets_criteria_and_weights(personas: Any, client: Browser) -> None:
    client.force_login(personas.wouter)
    client.post("/oproep/oostende/jury/criteria/", {"name": "Impact", "description": "", "weight": "4"})
    criterion = personas.region.jury_criteria.get()
    assert criterion.weight == 4
    client.post(f"/oproep/oostende/jury/criteria/{criterion.pk}/", {f"c{criterion.pk}-name": "Impact",
                f"c{criterion.pk}-description": "", f"c{criterion.pk}-weight": "2"})  # fmt: skip
    criterion.refresh_from_db()
    assert criterion.weight == 2
    assert AuditEntry.objects.filter(action="partnership.criterion.saved").count() == 2
    client.force_login(personas.ine)  # a jury member does not set criteria
    assert client.get("/oproep/oostende/jury/criteria/").status_code == 404


def test_a_jury_member_declares_then_scores_with_motivation(personas: Any, criteria: Any, candidacy: Any,
                                                            client: Browser) -> None:  # fmt: skip
    client.force_login(personas.ine)
    url = f"/oproep/oostende/jury/{candidacy.pk}/"
    html = client.get(url).content.decode()
    assert "belangenconflict" in html.lower() and "score-form-1" not in html  # declare first
    with pytest.raises(ValidationError, match="conflict of interest|belangenconflict"):
        services_jury.scores_save(candidacy=candidacy, member=personas.ine, round=1, values={criteria[0].pk: (4, "x")})
    client.post(url + "belangenconflict/", {"has_conflict": "no"})
    assert "score-form-1" in client.get(url).content.decode()
    data = {f"r1-score_{criteria[0].pk}": "4", f"r1-motivation_{criteria[0].pk}": "Sluit goed aan",
            f"r1-score_{criteria[1].pk}": "2", f"r1-motivation_{criteria[1].pk}": ""}  # fmt: skip
    response = client.post(url + "score/1/", data)
    assert response.status_code == 400 and not Score.objects.exists()  # the motivation is required
    data[f"r1-motivation_{criteria[1].pk}"] = "Krap budget"
    assert client.post(url + "score/1/", data).status_code == 302
    assert Score.objects.count() == 2
    data[f"r1-score_{criteria[0].pk}"] = "5"
    client.post(url + "score/1/", data)
    score = Score.objects.get(criterion=criteria[0])
    assert score.value == 5
    assert list(ScoreChange.objects.filter(score=score).values_list("value", flat=True)) == [4, 5]
    audits = AuditEntry.objects.filter(action="partnership.scores.saved", object_id=str(candidacy.pk))
    assert audits.count() == 2 and audits.order_by("pk").last().changes["criteria"][str(criteria[0].pk)] == [4, 5]  # type: ignore[union-attr]
    # only 1-5
    with pytest.raises(ValidationError):
        services_jury.scores_save(candidacy=candidacy, member=personas.ine, round=1, values={criteria[0].pk: (6, "x")})
    # round 2 only when shortlisted
    with pytest.raises(ValidationError, match="shortlist"):
        services_jury.scores_save(candidacy=candidacy, member=personas.ine, round=2, values={criteria[0].pk: (3, "x")})


def test_a_declared_conflict_hides_the_scores_and_bars_scoring(personas: Any, criteria: Any, candidacy: Any,
                                                               client: Browser) -> None:  # fmt: skip
    jan = second_juror(personas)
    score_all(candidacy, jan, criteria, [4, 3])
    services_jury.conflict_declare(candidacy=candidacy, member=personas.ine, has_conflict=True, explanation="Mijn zus")
    client.force_login(personas.ine)
    url = f"/oproep/oostende/jury/{candidacy.pk}/"
    html = client.get(url).content.decode()
    assert "Motivatie 4" not in html and "score-form" not in html and 'id="conflict-notice"' in html
    home = client.get("/oproep/oostende/jury/").content.decode()
    assert "Motivatie" not in home and "3.75" not in home and "3,75" not in home
    assert "Verborgen" in home or "Hidden" in home
    row = ranking(region=personas.region, viewer=personas.ine)[0]
    assert row.hidden and row.round1 is None
    assert ranking(region=personas.region, viewer=jan)[0].round1_mean == Decimal("3.75")  # (4*3 + 3*1) / 4
    data = {f"r1-score_{criteria[0].pk}": "1", f"r1-motivation_{criteria[0].pk}": "x",
            f"r1-score_{criteria[1].pk}": "1", f"r1-motivation_{criteria[1].pk}": "x"}  # fmt: skip
    assert client.post(url + "score/1/", data).status_code == 404
    with pytest.raises(ValidationError, match="conflict of interest|belangenconflict"):
        services_jury.scores_save(candidacy=candidacy, member=personas.ine, round=1, values={criteria[0].pk: (1, "x")})
    assert not Score.objects.filter(member=personas.ine).exists()
    with pytest.raises(ValidationError):  # a conflict cannot be withdrawn by the member
        services_jury.conflict_declare(candidacy=candidacy, member=personas.ine, has_conflict=False)
    with pytest.raises(ValidationError):  # a conflict needs an explanation
        services_jury.conflict_declare(candidacy=candidacy, member=jan, has_conflict=True)


def test_consensus_shortlist_round_two_and_the_weighted_final_ranking(
    personas: Any, criteria: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    region = personas.region
    a = make_candidacy(region, name="Alfa", kbo="0202239951")
    b = make_candidacy(region, name="Beta", kbo="0403170701")
    c = make_candidacy(region, name="Gamma", kbo="0417497106")
    jan = second_juror(personas)
    for cand, ine_values, jan_values in [(a, [3, 3], [3, 5]), (b, [5, 5], [4, 4]), (c, [2, 2], [2, 2])]:
        score_all(cand, personas.ine, criteria, ine_values)
        score_all(cand, jan, criteria, jan_values)
    rows = ranking(region=region)
    assert [r.candidacy.pk for r in rows] == [b.pk, a.pk, c.pk]
    assert rows[1].round1_mean == Decimal("3.25")  # ine 3, jan (3*3+5)/4 = 3.5
    services_jury.consensus_record(candidacy=a, actor=personas.wouter, score=Decimal("4.8"), motivation="Na overleg")
    services_jury.consensus_record(candidacy=a, actor=personas.wouter, score=Decimal("4.9"), motivation="Na overleg")
    entry = AuditEntry.objects.filter(action="partnership.consensus.recorded").order_by("pk").last()
    assert entry is not None and entry.changes["before"] == "4.8"
    assert [r.candidacy.pk for r in ranking(region=region)] == [a.pk, b.pk, c.pk]
    for cand in (a, b):
        services_jury.shortlist_set(candidacy=cand, actor=personas.wouter, shortlisted=True)
    a.refresh_from_db()
    b.refresh_from_db()
    score_all(a, personas.ine, criteria, [1, 1], round=2)
    score_all(b, personas.ine, criteria, [5, 5], round=2)
    rows = ranking(region=region)
    assert [r.candidacy.pk for r in rows] == [b.pk, a.pk, c.pk]
    assert rows[0].final == Decimal("4.75")  # round 1: (5 + 4) / 2 = 4.5; final (4.5 + 5) / 2
    assert rows[1].final == Decimal("2.95")  # (4.9 + 1) / 2
    assert rows[2].final is None


def test_only_coordinators_record_consensus_and_shortlist(personas: Any, criteria: Any, candidacy: Any,
                                                          client: Browser) -> None:  # fmt: skip
    client.force_login(personas.ine)
    url = f"/oproep/oostende/jury/{candidacy.pk}/"
    assert client.post(url + "consensus/", {"score": "4", "motivation": "x"}).status_code == 404
    assert client.post(url + "shortlist/", {"shortlisted": "1"}).status_code == 404
    client.force_login(personas.wouter)
    assert client.post(url + "consensus/", {"score": "4", "motivation": "Goed"}).status_code == 302
    assert client.post(url + "shortlist/", {"shortlisted": "1"}).status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.consensus_score == Decimal("4") and candidacy.shortlisted


def test_drafts_are_invisible_to_the_jury(personas: Any, client: Browser) -> None:
    draft = make_candidacy(personas.region, submit=False)
    client.force_login(personas.wouter)
    assert client.get(f"/oproep/oostende/jury/{draft.pk}/").status_code == 404
    assert draft.organisation_name not in client.get("/oproep/oostende/jury/").content.decode()


def test_the_jury_list_tells_each_juror_what_is_left_to_do_in_a_fixed_number_of_queries(
    personas: Any, criteria: Any, candidacy: Any, client: Browser, django_assert_max_num_queries: Any
) -> None:
    """Ine scored, Jan declared a conflict: each sees their own word in the "You" column; the list costs the
    same number of queries for both (no query per candidacy)."""
    jan = second_juror(personas)
    score_all(candidacy, personas.ine, criteria, [4, 3])
    services_jury.conflict_declare(candidacy=candidacy, member=jan, has_conflict=True, explanation="Mijn zus")
    seen = {}
    for juror in (personas.ine, jan):
        client.force_login(juror)
        client.get("/oproep/oostende/jury/")
        with django_assert_max_num_queries(10):
            html = client.get("/oproep/oostende/jury/").content.decode()
        seen[juror.first_name] = html.split(f'id="row-{candidacy.pk}"')[1].split("</tr>")[0]
    assert "gescoord" in seen[personas.ine.first_name] and "3,75" in seen[personas.ine.first_name]
    assert "belangenconflict" in seen["Jan"] and "3,75" not in seen["Jan"]


def test_the_candidacy_page_shows_its_scores_challenges_and_municipalities_in_a_fixed_number_of_queries(
    personas: Any, criteria: Any, candidacy: Any, client: Browser, django_assert_max_num_queries: Any
) -> None:
    """Ine (jury) and Wouter (coordinator) open a candidacy: its challenges and municipalities (named from the
    region's rows kept in the process), its round 1 mean from its own scores; more scores, jurors, challenges
    and other candidacies cost no query more."""
    url = f"/oproep/oostende/jury/{candidacy.pk}/"
    score_all(candidacy, personas.ine, criteria, [4, 3])
    counts: dict[str, list[int]] = {}
    for who in (personas.ine, personas.wouter):
        client.force_login(who)
        client.get(url)
        with django_assert_max_num_queries(10) as short:
            client.get(url)
        counts[who.username] = [len(short)]
    jan = second_juror(personas)
    score_all(candidacy, jan, criteria, [2, 2])
    other = make_candidacy(personas.region, name="Tweede vzw", kbo="0403170701", challenges=("saled", "elke"))
    score_all(other, personas.ine, criteria, [1, 1])
    challenges = list(Challenge.objects.filter(region=personas.region).order_by("rank"))
    candidacy.challenges.set(challenges)
    for who in (personas.ine, personas.wouter):
        client.force_login(who)
        with django_assert_max_num_queries(10) as long:
            html = client.get(url).content.decode()
        counts[who.username].append(len(long))
        # Ine 3.75 and Jan 2.00 (weights 3 and 1): the jury mean of round 1 is 2.88; the other candidacy's
        # scores are not in it
        assert 'id="summary"' in html and "2,88" in html.split('id="summary"')[1].split("</p>")[0]
        proposal = html.split('id="proposal"')[1].split("</dl>")[0]
        assert all(f"{c.rank}. {c.persona_name}" in proposal for c in challenges)
        assert all(m.name in proposal for m in personas.region.municipalities.all()[:2])
        assert personas.region.municipalities.all()[2].name not in proposal
    assert all(short == long for short, long in counts.values()), counts
