"""The werkingsgebied as data, loaded from a region file (see docs/region-format.md).

Every row carries the stable ``code`` of the file, so loading an edited file updates
in place. Internal links cascade (the loader rebuilds them); records outside the
region data (organisations, clients, ...) point here with PROTECT, so removing
something still in use is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import BilingualLabelMixin, pick_language


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    format_version = models.CharField(max_length=10)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_nl, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_nl, self.description_en)


class RegionItem(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(max_length=60)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class Municipality(RegionItem):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="municipalities")
    nis_code = models.CharField(_("NIS code"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    postal_codes = models.JSONField(default=list)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(null=True, blank=True)
    # Eurostat degree of urbanisation (1 cities, 2 towns and suburbs, 3 rural); None = unknown (ESF+ EECO17).
    degurba = models.PositiveSmallIntegerField(_("degree of urbanisation (DEGURBA)"), null=True, blank=True)

    class Meta(RegionItem.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="uniq_municipality_code"),
            models.UniqueConstraint(fields=["region", "nis_code"], name="uniq_municipality_nis"),
        ]

    def __str__(self) -> str:
        return self.name


class PublicTransport(models.TextChoices):
    """How public transport reaches a deelgemeente (format 1.4, docs/region-format.md)."""

    MUNICIPALITY = "municipality", _("By the links of its municipality")
    LISTED = "listed", _("Only by the links that name it")
    NONE = "none", _("No public transport")


class Deelgemeente(models.Model):
    """A section of a municipality (deelgemeente), with its postal code."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="deelgemeenten")
    code = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=4)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # format 1.4: how public transport reaches the village (apps.matching.travel)
    public_transport = models.CharField(
        _("public transport"), max_length=20, choices=PublicTransport.choices, default=PublicTransport.MUNICIPALITY
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="uniq_deelgemeente_code")]

    def __str__(self) -> str:
        return f"{self.postal_code} {self.name}"


class TransitLink(RegionItem):
    """A direct public-transport link: its municipalities reach each other without a transfer."""

    class Mode(models.TextChoices):
        TRAIN = "train", _("Train")
        TRAM = "tram", _("Tram")
        BUS = "bus", _("Bus")
        ON_DEMAND = "on_demand", _("On-demand bus")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="transit_links")
    name = models.CharField(max_length=200)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    municipalities: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Municipality, related_name="transit_links"
    )
    # format 1.4: villages where the link also stops (a village reached only by some links)
    deelgemeenten: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Deelgemeente, related_name="transit_links", blank=True
    )

    class Meta(RegionItem.Meta):
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_transitlink_code")]

    def __str__(self) -> str:
        return self.name


class LifeDomain(BilingualLabelMixin, RegionItem):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="life_domains")
    special_category = models.BooleanField(default=False, help_text="GDPR art. 9/10 data")
    data_category = models.CharField(max_length=20, default="life_domains", help_text="consent category")
    mobility = models.BooleanField(default=False, help_text="problems here make travel weigh heavier")
    # format 1.4: {"1": {"nl": ..., "en": ...}, ...}: what each screening level means in this domain
    level_descriptions = models.JSONField(default=dict, blank=True)

    class Meta(RegionItem.Meta):
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_lifedomain_code")]

    def level_description(self, level: int) -> str:
        """The region's short description of ``level`` (1-5) in this domain, in the user's language; "" if none."""
        text = (self.level_descriptions or {}).get(str(level)) or {}
        return pick_language(text.get("nl", ""), text.get("en", ""))


class InterventionType(BilingualLabelMixin, RegionItem):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="intervention_types")

    class Meta(RegionItem.Meta):
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_interventiontype_code")]


class Obstacle(BilingualLabelMixin, RegionItem):
    class Source(models.TextChoices):
        CHALLENGE = "challenge", _("Regional challenge")
        ENRICHMENT = "enrichment", _("Enrichment session")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="obstacles")
    life_domain = models.ForeignKey(LifeDomain, on_delete=models.CASCADE, related_name="obstacles")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CHALLENGE)
    intervention_types = models.ManyToManyField(InterventionType, related_name="obstacles", blank=True)
    # the codes of intervention_types in the file's order: the first is the region's primary answer
    intervention_order = models.JSONField(default=list, blank=True)
    # obstacles of one family are related (debts, financial insecurity): partly shared with a persona
    family = models.SlugField(max_length=60, blank=True)

    class Meta(RegionItem.Meta):
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_obstacle_code")]


class TargetGroup(BilingualLabelMixin, RegionItem):
    """A doelgroep; ``rule`` decides membership (see docs/region-format.md, "Rules")."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="target_groups")
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    rule = models.JSONField(default=dict)

    class Meta(RegionItem.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_targetgroup_code")]

    @property
    def description(self) -> str:
        return pick_language(self.description_nl, self.description_en)


class Challenge(RegionItem):
    """A regio-uitdaging, built on a persona; ``rank`` 1 is the most prevalent."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="challenges")
    rank = models.PositiveIntegerField(_("rank"))
    persona_name = models.CharField(_("persona"), max_length=100)
    # the persona's age range and household when the addendum gives them (format 1.3); they weigh
    # in the closeness of a client to the persona (apps.assessment.classification)
    persona_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    persona_age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    persona_single_parent = models.BooleanField(null=True, blank=True)
    persona_children = models.BooleanField(null=True, blank=True)
    title_nl = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    description_nl = models.TextField()
    description_en = models.TextField()
    target_groups = models.ManyToManyField(TargetGroup, related_name="challenges", blank=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("regional challenge")
        verbose_name_plural = _("regional challenges")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="uniq_challenge_code"),
            models.UniqueConstraint(fields=["region", "rank"], name="uniq_challenge_rank"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_nl, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_nl, self.description_en)


class ObstacleLine(BilingualLabelMixin):
    """An obstacle line as the challenge words it (the seed's own text), linked to region obstacles."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="obstacle_lines")
    label_nl = models.TextField()
    label_en = models.TextField()
    obstacles = models.ManyToManyField(Obstacle, related_name="challenge_lines")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    @property
    def domain_labels(self) -> list[str]:
        """The life domains of this line's obstacles, each once (uses the prefetched obstacles)."""
        return list(dict.fromkeys(o.life_domain.label for o in self.obstacles.all()))


class SupportLine(BilingualLabelMixin):
    """A line of the support sought (aanbod) for a challenge, with the intervention types it asks for."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="support_lines")
    code = models.SlugField(max_length=60)
    label_nl = models.TextField()
    label_en = models.TextField()
    position = models.PositiveIntegerField(default=0)
    intervention_types = models.ManyToManyField(InterventionType, related_name="support_lines", blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["challenge", "code"], name="uniq_supportline_code")]


class EnrichmentLine(BilingualLabelMixin, RegionItem):
    """A line of the enrichment session, arena analysis or local vision.

    Extra obstacles link to region obstacles, extra client profiles may point at the
    challenge that absorbs them, remarks (such as employer engagement) may name
    intervention types.
    """

    class Kind(models.TextChoices):
        OBSTACLE = "obstacle", _("Extra obstacle or remark on obstacles")
        CLIENT_PROFILE = "client_profile", _("Extra client profile")
        REMARK = "remark", _("Remark")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="enrichment_lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label_nl = models.TextField()
    label_en = models.TextField()
    obstacles = models.ManyToManyField(Obstacle, related_name="enrichment_lines", blank=True)
    intervention_types = models.ManyToManyField(InterventionType, related_name="enrichment_lines", blank=True)
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrichment_lines"
    )

    class Meta(RegionItem.Meta):
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_enrichmentline_code")]


class CallTimeline(models.Model):
    """The call for partners' timeline (lokale timing)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="call")
    launch_date = models.DateField(_("launch"))
    candidacy_deadline = models.DateTimeField(_("candidacy deadline"))
    written_round_start = models.DateField(
        _("written round from"), null=True, blank=True, help_text="optional: some calls give only the end"
    )
    written_round_end = models.DateField(_("written round until"))
    pitch_weeks = models.JSONField(default=list, help_text="Mondays of the pitch weeks (ISO dates)")
    decision_by = models.DateField(_("decision before"))
    rebuttal_by = models.DateField(_("rebuttal until"))
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.region}: {self.candidacy_deadline:%Y-%m-%d %H:%M}"

    @property
    def pitch_week_dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(w) for w in self.pitch_weeks]
