"""Issue 10, step 2 of 2: at most one open pathway per client, guaranteed by the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0003_close_duplicate_open_pathways"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="pathway",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=("client",),
                name="uniq_open_pathway_per_client",
            ),
        ),
    ]
