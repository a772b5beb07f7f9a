"""Issue 10: proposals can expire (their waiting entry closed); one queued or running run per region.

Existing duplicates of unfinished runs are repaired first: the newest stays, older ones are marked failed.
"""

from django.db import migrations, models


def repair(apps, schema_editor):
    Run = apps.get_model("matching", "AllocationRun")
    seen = set()
    for run in Run.objects.filter(status__in=["queued", "running"]).order_by("-created_at", "-id"):
        if run.region_id in seen:
            Run.objects.filter(pk=run.pk).update(status="failed", error="superseded by a newer run (migration)")
        seen.add(run.region_id)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_run_durations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allocationproposal",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("confirmed", "Confirmed"),
                    ("declined", "Declined"),
                    ("expired", "No longer open"),
                ],
                default="proposed",
                max_length=20,
            ),
        ),
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="allocationrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("region",),
                name="uniq_unfinished_allocation_run",
            ),
        ),
    ]
