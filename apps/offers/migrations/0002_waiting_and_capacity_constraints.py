"""Issue 10: the database keeps occupancy within capacity and one open waiting entry per client and offer.

Existing data is repaired first: an occupancy above the capacity is lowered to the capacity (the offer is
full either way), and of duplicate open entries the oldest (since, then id) stays open, the others close.
"""

from django.db import migrations, models
from django.db.models import F


def repair(apps, schema_editor):
    Offer = apps.get_model("partners", "Offer")
    Entry = apps.get_model("partners", "WaitingListEntry")
    Offer.objects.filter(occupancy__gt=F("capacity")).update(occupancy=F("capacity"))
    seen = set()
    for entry in Entry.objects.filter(is_open=True).order_by("since", "id").only("id", "client_id", "offer_id"):
        key = (entry.client_id, entry.offer_id)
        if key in seen:
            Entry.objects.filter(pk=entry.pk).update(is_open=False)
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="offer",
            constraint=models.CheckConstraint(
                condition=models.Q(("occupancy__lte", models.F("capacity"))), name="offer_occupancy_within_capacity"
            ),
        ),
        migrations.AddConstraint(
            model_name="waitinglistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True), ("offer__isnull", False)),
                fields=("client", "offer"),
                name="uniq_open_waiting_entry_offer",
            ),
        ),
        migrations.AddConstraint(
            model_name="waitinglistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True), ("offer__isnull", True)),
                fields=("client",),
                name="uniq_open_waiting_entry_any",
            ),
        ),
    ]
