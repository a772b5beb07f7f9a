"""Issue 10: one open referral per pathway and offer, guaranteed by the database.

Existing duplicates are repaired first: the oldest open referral stays, the others are withdrawn (a
withdrawn referral that held a place gives it back).
"""

from django.db import migrations, models
from django.db.models import F

OPEN = ["sent", "waiting", "accepted", "started"]


def repair(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Offer = apps.get_model("partners", "Offer")
    seen = set()
    for r in Referral.objects.filter(status__in=OPEN).order_by("created_at", "id"):
        key = (r.pathway_id, r.offer_id)
        if key in seen:
            if r.status in ("accepted", "started"):
                Offer.objects.filter(pk=r.offer_id, occupancy__gt=0).update(occupancy=F("occupancy") - 1)
            Referral.objects.filter(pk=r.pk).update(status="withdrawn", reason="other")
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_waiting_and_capacity_constraints"),
        ("pathways", "0004_one_open_pathway_per_client"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["sent", "waiting", "accepted", "started"])),
                fields=("pathway", "offer"),
                name="uniq_open_referral_per_offer",
            ),
        ),
    ]
