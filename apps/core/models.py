from __future__ import annotations

from django.db import models
from django.utils.translation import get_language


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BilingualLabelMixin(models.Model):
    """Region data carries its labels in Dutch and English; show the active language's."""

    label_nl = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick_language(self.label_nl, self.label_en)


def pick_language(nl: str, en: str) -> str:
    return en if (get_language() or "nl").startswith("en") and en else nl


class SubmissionKey(models.Model):
    """A form submission already handled: its one-time key (a hidden field), what it was for, and the id of
    the record it created. Unique on ``key``, written in the transaction that creates the record, so a double
    submit (two clicks, a resent request) finds the first record instead of creating a second
    (apps/core/concurrency.py, docs/decisions/0015-records-integrity.md)."""

    key = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    # What was sent with the key (a digest), for keys the sender chooses (the API's ``Idempotency-Key``): the
    # same key with another request is refused instead of answered with the first record. Empty for forms.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} #{self.object_id}"
