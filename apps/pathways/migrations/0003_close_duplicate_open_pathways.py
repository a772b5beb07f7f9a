"""Issue 10, step 1 of 2: repair duplicate open pathways before the constraint (0004).

Existing duplicates: per client the open pathway to keep is the active one (else
paused, else intake), the most recently started among those; the others are closed with outcome "other",
a note saying why, and a closure by their counsellor (else any team member), follow-up due in 182 days.
"""

import datetime as dt

from django.db import migrations, models

NOTE = "Automatically closed: the client had a second open pathway (migration pathways 0003)."
RANK = {"active": 0, "paused": 1, "intake": 2}


def repair(apps, schema_editor):
    Pathway = apps.get_model("pathways", "Pathway")
    Closure = apps.get_model("pathways", "Closure")
    TeamMember = apps.get_model("pathways", "TeamMember")
    by_client = {}
    for p in Pathway.objects.exclude(status="closed").order_by("-started_on", "-id"):
        by_client.setdefault(p.client_id, []).append(p)
    today = dt.date.today()
    for pathways in by_client.values():
        if len(pathways) < 2:
            continue
        pathways.sort(key=lambda p: RANK.get(p.status, 3))  # stable: keeps the most recent first per rank
        for p in pathways[1:]:
            member = (
                TeamMember.objects.filter(pathway=p, role="counsellor").order_by("id").first()
                or TeamMember.objects.filter(pathway=p).order_by("id").first()
            )
            if member is not None and not Closure.objects.filter(pathway=p).exists():
                Closure.objects.create(
                    pathway=p,
                    closed_on=today,
                    outcome="other",
                    note=NOTE,
                    closed_by_id=member.user_id,
                    follow_up_due=today + dt.timedelta(days=182),
                )
            Pathway.objects.filter(pk=p.pk).update(status="closed")


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0002_move_conferences_groups"),
    ]

    # its own migration (own transaction): PostgreSQL refuses ALTER TABLE with pending trigger events
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
