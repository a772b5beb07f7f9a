"""A folded search key on Candidacy (issue 10 item 8): the column, its values, and on PostgreSQL a trigram index."""

from typing import Any

from django.db import migrations, models

from apps.core.search import compose_key, refresh_keys, trigram_index_operations


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    """Give every existing row its search key (apps/core/search.py), as the services now do on each write."""
    model = apps.get_model("partnership", "Candidacy")

    def key(row: Any) -> str:
        return compose_key(
            texts=(row.organisation_name,),
            names=(row.applicant_name, row.contact_name, row.reference, row.enterprise_number),
        )

    refresh_keys(model.objects.all().iterator(chunk_size=2000), key, model)


trigram_forward, trigram_backward = trigram_index_operations("partnership_candidacy", "partnership_cand_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="search_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(trigram_forward, trigram_backward),
    ]
