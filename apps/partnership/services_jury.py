"""Writes of the jury: members, criteria, conflicts of interest, scores, consensus and the shortlist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Organisation, Role, User
from apps.audit.services import audit_log
from apps.partnership.models import Candidacy, ConflictDeclaration, Criterion, Round, Score, ScoreChange
from apps.partnership.services_candidacies import candidacy_version_move
from apps.partnership.timeline import now_or_clock
from apps.regions.models import Region


@transaction.atomic
def jury_member_add(
    *, region: Region, organisation: Organisation, email: str, first_name: str, last_name: str, actor: Any
) -> Membership:
    if organisation.region_id != region.pk:
        raise ValidationError({"organisation": [_("Choose an organisation of the region.")]})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.JURY_MEMBER, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    audit_log(
        actor=actor, action="partnership.jury_member.added", obj=membership, changes={"user": user.pk, "email": email}
    )
    return membership


@transaction.atomic
def jury_member_remove(*, membership: Membership, actor: Any) -> Membership:
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_log(actor=actor, action="partnership.jury_member.removed", obj=membership, changes={})
    return membership


@transaction.atomic
def criterion_save(
    *, region: Region, actor: Any, name: str, weight: int, description: str = "", criterion: Criterion | None = None
) -> Criterion:
    before = None
    if criterion is None:
        position = (Criterion.objects.filter(region=region).aggregate(m=Max("position"))["m"] or 0) + 1
        criterion = Criterion(region=region, position=position)
    else:
        if criterion.region_id != region.pk:
            raise ValidationError(_("This criterion belongs to another region."))
        before = {"name": criterion.name, "weight": criterion.weight}
    criterion.name, criterion.weight, criterion.description = name, weight, description
    criterion.full_clean()
    criterion.save()
    audit_log(
        actor=actor,
        action="partnership.criterion.saved",
        obj=criterion,
        changes={"before": before, "after": {"name": name, "weight": weight}},
    )
    return criterion


@transaction.atomic
def conflict_declare(*, candidacy: Candidacy, member: Any, has_conflict: bool, explanation: str = "") -> Any:
    if has_conflict and not explanation.strip():
        raise ValidationError({"explanation": [_("Explain the conflict of interest.")]})
    existing = ConflictDeclaration.objects.filter(candidacy=candidacy, member=member).first()
    if existing is not None and existing.has_conflict and not has_conflict:
        raise ValidationError(_("A declared conflict of interest cannot be withdrawn; ask the coordinator."))
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        candidacy=candidacy, member=member, defaults={"has_conflict": has_conflict, "explanation": explanation}
    )
    audit_log(
        actor=member,
        action="partnership.conflict.declared",
        obj=candidacy,
        changes={"has_conflict": has_conflict, "member": member.pk},
    )
    return declaration


@transaction.atomic
def scores_save(
    *,
    candidacy: Candidacy,
    member: Any,
    round: int,
    values: dict[int, tuple[int, str]],
    now: dt.datetime | None = None,
) -> list[Score]:
    """A jury member's scores for one round: criterion id -> (1-5, motivation). Every change is kept."""
    now = now_or_clock(now)
    if not candidacy.is_submitted:
        raise ValidationError(_("Only submitted candidacies are scored."))
    declaration = ConflictDeclaration.objects.filter(candidacy=candidacy, member=member).first()
    if declaration is None:
        raise ValidationError(_("Declare first whether you have a conflict of interest."))
    if declaration.has_conflict:
        raise ValidationError(_("You declared a conflict of interest for this candidacy and cannot score it."))
    if round == Round.PITCH and not candidacy.shortlisted:
        raise ValidationError(_("Only shortlisted candidacies are scored in round 2."))
    if round not in Round.values:
        raise ValidationError(_("Unknown round."))
    criteria = {c.pk: c for c in Criterion.objects.filter(region_id=candidacy.region_id)}
    errors: dict[str, list[str]] = {}
    for pk, (value, motivation) in values.items():
        if pk not in criteria:
            errors["__all__"] = [_("Unknown criterion.")]
        elif not 1 <= int(value) <= 5:
            errors[f"score_{pk}"] = [_("A score is from 1 to 5.")]
        elif not motivation.strip():
            errors[f"motivation_{pk}"] = [_("Motivate the score.")]
    if errors:
        raise ValidationError(errors)
    saved = []
    changes = {}
    for pk, (value, motivation) in values.items():
        score = Score.objects.filter(candidacy=candidacy, member=member, criterion_id=pk, round=round).first()
        if score is not None and score.value == value and score.motivation == motivation:
            saved.append(score)
            continue
        old = score.value if score is not None else None
        if score is None:
            score = Score(candidacy=candidacy, member=member, criterion=criteria[pk], round=round)
        score.value, score.motivation = value, motivation
        score.save()
        ScoreChange.objects.create(score=score, value=value, motivation=motivation, changed_by=member, changed_at=now)
        changes[str(pk)] = [old, value]
        saved.append(score)
    if changes:
        audit_log(
            actor=member,
            action="partnership.scores.saved",
            obj=candidacy,
            changes={"round": round, "member": member.pk, "criteria": changes},
        )
    return saved


@transaction.atomic
def consensus_record(
    *, candidacy: Candidacy, actor: Any, score: Decimal, motivation: str, expected_version: int | None = None
) -> Candidacy:
    """Record the jury's consensus score (1-5) and its motivation on a candidacy (the coordinator's form).

    ``expected_version``: the candidacy version the form showed; a stale one raises
    ``apps.core.concurrency.EditConflict`` and nothing is written (issue 10 item 5). ValidationError by field.
    """
    if not Decimal(1) <= score <= Decimal(5):
        raise ValidationError({"score": [_("A score is from 1 to 5.")]})
    if not motivation.strip():
        raise ValidationError({"motivation": [_("Motivate the score.")]})
    candidacy_version_move(candidacy, expected_version)
    old = Candidacy.objects.values_list("consensus_score", flat=True).get(pk=candidacy.pk)
    candidacy.consensus_score, candidacy.consensus_motivation = score, motivation
    candidacy.save(update_fields=["consensus_score", "consensus_motivation", "updated_at"])
    audit_log(
        actor=actor,
        action="partnership.consensus.recorded",
        obj=candidacy,
        changes={
            "before": f"{old.normalize():f}" if old is not None else None,
            "after": str(score),
            "motivation": motivation,
        },
    )
    return candidacy


@transaction.atomic
def shortlist_set(
    *, candidacy: Candidacy, actor: Any, shortlisted: bool, expected_version: int | None = None
) -> Candidacy:
    """Put a candidacy on the shortlist (round 2, the pitch) or take it off.

    ``expected_version``: the candidacy version the page showed; a stale one raises
    ``apps.core.concurrency.EditConflict`` and nothing is written (issue 10 item 5).
    """
    candidacy_version_move(candidacy, expected_version)
    candidacy.shortlisted = shortlisted
    candidacy.save(update_fields=["shortlisted", "updated_at"])
    audit_log(actor=actor, action="partnership.shortlist.set", obj=candidacy, changes={"shortlisted": shortlisted})
    return candidacy
