"""Merging two records of one client, and undoing it.

A merge moves *every* row that points at the duplicate (found from the model graph: screenings, consents,
pathways with their referrals, team, contacts and group attendance, waiting-list entries, work wish,
employer placements, and whatever a later app adds with a foreign key to ``clients.Client``) to the
survivor, or is refused with a reason the coordinator can act on. Each moved row is written down once in
``MergedRow`` with the client it was made for, so undoing merges in any order gives every row back to its
own person: after an undo each recorded row goes to the active client its origin now belongs to.

Lives here because it writes rows of many apps together; clients itself may not import the apps above it
(docs/architecture.md). Rules: docs/decisions/0015-records-integrity.md.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.clients.models import Client, ClientMerge, MergedRow
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import covered_categories

# Relations of Client that are the merge machinery itself, not data the person owns.
_NOT_MOVED = {("clients", "client"), ("clients", "clientmerge"), ("clients", "mergedrow"), ("clients", "distinctpair")}
# The case statuses under which a pathway still runs.
_OPEN_PATHWAY = ("intake", "active", "paused")


def owned_relations() -> list[tuple[type[models.Model], str]]:
    """Every ``(model, field name)`` whose foreign key (or one-to-one) to ``clients.Client`` marks a row the
    person owns; read from the model graph so a new app's rows follow merges without a change here."""
    found: list[tuple[type[models.Model], str]] = []
    for rel in Client._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or rel.many_to_many:
            continue
        if (model._meta.app_label, model._meta.model_name) in _NOT_MOVED:
            continue
        found.append((model, rel.field.name))
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _refusals(survivor: Client, duplicate: Client) -> list[str]:
    """Reasons the merge cannot go ahead, in words a coordinator can act on (empty: it may)."""
    reasons = []
    both = [survivor.pk, duplicate.pk]
    if (
        survivor.national_number_digest
        and duplicate.national_number_digest
        and survivor.national_number_digest != duplicate.national_number_digest
    ):
        reasons.append(_("These records have different national numbers: they are two different people."))
    relations = {_label(m): (m, f) for m, f in owned_relations()}
    if "pathways.pathway" in relations:
        model, field = relations["pathways.pathway"]
        open_for = set(
            model._default_manager.filter(**{f"{field}__in": both, "status__in": _OPEN_PATHWAY}).values_list(
                f"{field}_id", flat=True
            )
        )
        if open_for == set(both):
            reasons.append(_("Both records have a pathway that is still open: close one of them first."))
    for model, field in relations.values():
        if _would_clash(model, field, both):
            reasons.append(
                _(
                    "Both records have a %(thing)s that can exist only once: "
                    "remove the one that is no longer right first."
                )
                % {"thing": model._meta.verbose_name}
            )
    if survivor.organisation_id != duplicate.organisation_id and _holds_more_than_identity(duplicate):
        seen = covered_categories(
            client_id=survivor.pk, organisation_ids={survivor.organisation_id}, purpose=Purpose.GUIDANCE
        ) | covered_categories(
            client_id=duplicate.pk, organisation_ids={survivor.organisation_id}, purpose=Purpose.GUIDANCE
        )
        if not set(DataCategory.values) <= seen:
            reasons.append(
                _(
                    "%(survivor_org)s would see what %(duplicate_org)s recorded about this person, but the "
                    "client has not consented to that. Record the client's consent for %(survivor_org)s "
                    "(all data categories, for guidance) first."
                )
                % {"survivor_org": survivor.organisation.name, "duplicate_org": duplicate.organisation.name}
            )
    return reasons


def _would_clash(model: type[models.Model], field: str, both: list[int]) -> bool:
    """Whether moving the duplicate's rows would break a unique rule that includes the client (a one-to-one,
    or a ``UniqueConstraint`` such as one live placement per job or one ESF+ participation per operation)."""
    manager = model._default_manager
    if getattr(model._meta.get_field(field), "one_to_one", False):
        return manager.filter(**{f"{field}__in": both}).count() > 1
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if not isinstance(constraint, models.UniqueConstraint) or field not in fields:
            continue
        rows = manager.filter(**{f"{field}__in": both})
        if constraint.condition is not None:
            rows = rows.filter(constraint.condition)
        others = [f"{f}_id" if model._meta.get_field(f).is_relation else f for f in fields if f != field]
        seen: dict[tuple[Any, ...], set[int]] = defaultdict(set)
        for values in rows.values_list(f"{field}_id", *others):
            seen[tuple(values[1:])].add(values[0])
        if any(len(owners) > 1 for owners in seen.values()):
            return True
    return False


def _holds_more_than_identity(client: Client) -> bool:
    """Whether rows other than consents hang on the client (screenings, pathways, waiting entries, ...)."""
    return any(
        model._default_manager.filter(**{field: client}).exists()
        for model, field in owned_relations()
        if _label(model) != "consent.consent"
    )


@transaction.atomic
def client_merge(*, survivor: Client, duplicate: Client, actor: Any) -> ClientMerge:
    """Merge ``duplicate`` into ``survivor`` (two records of one person in one partnership).

    Moves every owned row (see :func:`owned_relations`) and the national number when only the duplicate has
    one; records each moved row's origin in ``MergedRow``; writes ``clients.client.merged``. Both clients are
    locked first (``select_for_update``), so two merges of one record cannot interleave.
    Raises ``ValidationError`` (nothing written) when the clients are one, one was merged already, they are
    in different partnerships, or a reason from :func:`_refusals` holds.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A client cannot be merged with itself."))
    locked = {
        c.pk: c
        for c in Client.objects.select_for_update()
        .select_related("organisation")
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of these clients was already merged."))
    if survivor.organisation.region_id != duplicate.organisation.region_id:
        raise ValidationError(_("Both clients must belong to the same partnership."))
    reasons = _refusals(survivor, duplicate)
    if reasons:
        raise ValidationError(reasons)
    moved: dict[str, list[int]] = {}
    known_origins: set[tuple[str, int]] = set()
    for model, field in owned_relations():
        label = _label(model)
        pks = list(model._default_manager.filter(**{field: duplicate}).order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        moved[label] = pks
        known_origins |= {
            (label, pk)
            for pk in MergedRow.objects.filter(model=label, object_id__in=pks).values_list("object_id", flat=True)
        }
        MergedRow.objects.bulk_create(
            [MergedRow(model=label, object_id=pk, origin=duplicate) for pk in pks if (label, pk) not in known_origins]
        )
        model._default_manager.filter(pk__in=pks).update(**{field: survivor})
    # One active record per number (constraint uniq_active_national_number): the number follows the survivor.
    # The merged duplicate keeps its own copy (it is no longer active) for an undo.
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into", "updated_at"])
    number_moved = bool(duplicate.national_number_digest) and not survivor.national_number_digest
    if number_moved:  # after the duplicate stopped being active (constraint uniq_active_national_number)
        survivor.national_number_digest = duplicate.national_number_digest
        survivor.national_number_encrypted = duplicate.national_number_encrypted
        survivor.save(update_fields=["national_number_digest", "national_number_encrypted", "updated_at"])
    merge = ClientMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        merged_by=actor,
        moved={**moved, "national_number": "moved" if number_moved else ""},
    )
    audit_log(
        actor=actor,
        action="clients.client.merged",
        obj=survivor,
        changes={"duplicate": duplicate.pk, "merge": merge.pk, "moved": {k: len(v) for k, v in moved.items()}},
    )
    return merge


def _subtree(client_id: int) -> set[int]:
    """The client and every client merged into it, directly or through others (still merged)."""
    found, frontier = {client_id}, {client_id}
    while frontier:
        frontier = set(Client.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


@transaction.atomic
def client_merge_undo(*, merge: ClientMerge, actor: Any) -> ClientMerge:
    """Undo ``merge``: the duplicate is active again and gets back every row made for it or for a client
    still merged into it, wherever later merges took those rows (undo in any order gives each row back to
    its own person). The national number goes back when it moved with the merge.
    Raises ``ValidationError`` when the merge was already undone. Writes ``clients.client.merge_undone``.
    """
    merge = ClientMerge.objects.select_for_update().select_related("survivor", "duplicate").get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    duplicate = Client.objects.select_for_update().get(pk=merge.duplicate_id)
    _number_back(merge, duplicate)  # before the duplicate is active again: one active record per number
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into", "updated_at"])
    family = _subtree(duplicate.pk)
    returned: dict[str, int] = {}
    for model, field in owned_relations():
        label = _label(model)
        pks = list(MergedRow.objects.filter(model=label, origin_id__in=family).values_list("object_id", flat=True))
        if pks:
            returned[label] = model._default_manager.filter(pk__in=pks).update(**{field: duplicate})
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_log(
        actor=actor,
        action="clients.client.merge_undone",
        obj=merge.survivor,
        changes={"duplicate": merge.duplicate_id, "merge": merge.pk, "returned": returned},
    )
    return merge


def _number_back(merge: ClientMerge, duplicate: Client) -> None:
    """After an undo: the national number goes back to the duplicate when this merge gave the survivor its
    copy (and every later merge carried that copy on); otherwise the active record that holds the number
    keeps it and the duplicate comes back without the digest (one active record per number)."""
    if not duplicate.national_number_digest:
        return
    derived = merge.moved.get("national_number") == "moved"
    holder = Client.objects.select_for_update().get(pk=merge.survivor_id)
    while holder.merged_into_id is not None:
        later = ClientMerge.objects.filter(duplicate=holder, undone_at__isnull=True).order_by("-pk").first()
        derived = derived and later is not None and later.moved.get("national_number") == "moved"
        holder = Client.objects.select_for_update().get(pk=holder.merged_into_id)
    if holder.national_number_digest != duplicate.national_number_digest:
        return
    if derived:
        holder.national_number_digest = holder.national_number_encrypted = ""
        holder.save(update_fields=["national_number_digest", "national_number_encrypted", "updated_at"])
    else:
        duplicate.national_number_digest = ""
        duplicate.save(update_fields=["national_number_digest", "updated_at"])
