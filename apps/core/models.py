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
