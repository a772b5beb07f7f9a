"""Clients (hulpvragers): minimal identity and contact, owned by the registering organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.audit import reads
from apps.core.models import TimeStampedModel


class Gender(models.TextChoices):
    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")
    X = "X", _("X (non-binary or not specified)")


class DutchLevel(models.TextChoices):
    A0 = "A0", _("A0 (no Dutch)")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", _("C2 / native")


LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("ti", _("Tigrinya")),
    ("so", _("Somali")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("other", _("Another language")),
]


class ClientQuerySet(models.QuerySet["Client"]):
    """Clients; ``recorded_for(user)`` makes the rows this queryset fetches land in the record of reads as one
    list entry (apps/audit/reads.py): a page of a list records the ids it shows, a count records nothing."""

    _read_actor: Any = None
    _read_organisations: frozenset[int] = frozenset()

    def recorded_for(self, user: Any, organisation_ids: frozenset[int] = frozenset()) -> ClientQuerySet:
        clone = self._chain()  # type: ignore[attr-defined]
        clone._read_actor, clone._read_organisations = user, organisation_ids
        return clone

    def unrecorded(self) -> ClientQuerySet:
        """The same rows without the read record (the caller records what it shows with ``record_shown``)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._read_actor = None
        return clone

    def record_shown(self, rows: Any) -> None:
        """Record ``rows`` (clients) as one list read by this queryset's reader, as fetching them would: for a
        page that fetches one row more than it shows (keyset paging looks one row ahead)."""
        if self._read_actor is not None:
            reads.note_list(
                actor=self._read_actor,
                client_ids=[row.pk for row in rows if isinstance(row, Client)],
                organisation_ids=self._read_organisations,
            )

    def _clone(self) -> ClientQuerySet:
        clone = super()._clone()  # type: ignore[misc]
        clone._read_actor, clone._read_organisations = self._read_actor, self._read_organisations
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._read_actor is not None and self._result_cache:
            reads.note_list(
                actor=self._read_actor,
                client_ids=[row.pk for row in self._result_cache if isinstance(row, Client)],
                organisation_ids=self._read_organisations,
            )


class Client(TimeStampedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="clients",
        help_text=_("The organisation that registered the client."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    # The national register or BIS number is never stored in clear: an HMAC digest for duplicate
    # detection and an encrypted copy for display to those allowed (see apps/clients/identifiers.py).
    national_number_digest = models.CharField(max_length=64, blank=True, db_index=True)
    national_number_encrypted = models.TextField(blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="clients", verbose_name=_("municipality")
    )
    deelgemeente = models.ForeignKey(
        "regions.Deelgemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("deelgemeente"),
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    dutch_level = models.CharField(_("level of Dutch"), max_length=2, choices=DutchLevel.choices)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    # Names and phone folded for search (apps/core/search.py), kept by the services that write them.
    search_key = models.CharField(max_length=500, blank=True, default="", db_index=True, editable=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    # Optimistic lock of the edit form (apps/core/concurrency.py).
    version = models.PositiveIntegerField(default=1)
    # Set when the retention job or an erasure on request removed the personal data
    # (apps/workspace/services_retention.py).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            # One active record per national number: a second registration points to the existing file.
            models.UniqueConstraint(
                fields=["national_number_digest"],
                condition=models.Q(merged_into__isnull=True) & ~models.Q(national_number_digest=""),
                name="uniq_active_national_number",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name"]),
            models.Index(fields=["birth_date"]),
            # the keyset pages of the client list and search (apps/core/keyset.py): by name, then id
            models.Index(fields=["last_name", "first_name", "id"], name="client_name_keyset"),
            models.Index(fields=["organisation", "merged_into"], name="clients_org_merged_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def language_names(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names.get(code, code)) for code in self.languages]

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ClientMerge(models.Model):
    """A coordinator merged ``duplicate`` into ``survivor``; ``moved`` remembers what moved, so it can be undone."""

    survivor = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    moved = models.JSONField(default=dict)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        indexes = [models.Index(fields=["merged_at", "id"], name="clientmerge_merged_idx")]  # the keyset pages

    def __str__(self) -> str:
        return f"merge #{self.pk}"


class MergedRow(models.Model):
    """The client a row belonged to before any merge moved it (one line per moved row, kept after undo).

    ``model`` is the row's ``app_label.model_name``; ``origin`` is the client the row was made for. Undoing a
    merge sends each row back to the active client its origin now belongs to, so undoing merges in any order
    gives every row back to its own person (apps/workspace/services_merge.py).
    """

    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    origin = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="uniq_merged_row")]
        indexes = [models.Index(fields=["origin", "model"], name="clients_mergedrow_origin_idx")]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id} of client {self.origin_id}"


class DistinctPair(models.Model):
    """A coordinator judged two records suggested as duplicates to be two different people ("not the same
    person"), so the worklist no longer suggests the pair; undoing it (``undone_at``) suggests it again.

    One row per pair, stored in order (``first`` < ``second``, a check constraint) and unique, so a pair is
    dismissed once whichever way round it was shown; dismissing it again after an undo reuses the row. Written
    by ``apps/clients/services_duplicates.py`` with its audit entry; not moved by a merge (the worklist shows
    only active records).
    """

    first = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-dismissed_at", "-pk"]
        indexes = [models.Index(fields=["dismissed_at", "id"], name="distinctpair_dismissed_idx")]  # keyset pages
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="uniq_distinct_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="distinct_pair_in_order"),
        ]

    def __str__(self) -> str:
        return f"clients {self.first_id} and {self.second_id} are different people"


class RectificationRequest(TimeStampedModel):
    """A client asked to correct data in their file (GDPR art. 16): when, what, and what was decided.

    ``open`` until decided: ``corrected`` (the correction was made, ``decision_note`` says what) or ``refused``
    (``decision_note`` gives the reason the client is told). Decided requests are final.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CORRECTED = "corrected", _("corrected")
        REFUSED = "refused", _("refused")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.OPEN: frozenset({Status.CORRECTED, Status.REFUSED}),
        Status.CORRECTED: frozenset(),
        Status.REFUSED: frozenset(),
    }

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="rectification_requests")
    asked_on = models.DateField(_("asked on"))
    what = models.TextField(_("what the client asks to correct"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("what was done, or why not"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-asked_on", "-id"]
        verbose_name = _("request to correct data")
        verbose_name_plural = _("requests to correct data")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="open") & models.Q(decided_on__isnull=True))
                | (~models.Q(status="open") & models.Q(decided_on__isnull=False)),
                name="rectification_decided_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True) | models.Q(decided_on__gte=models.F("asked_on")),
                name="rectification_decided_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"rectification #{self.pk}"
