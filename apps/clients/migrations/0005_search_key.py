"""A folded search key on Client (issue 10 item 8): the column, its values, and on PostgreSQL a trigram index."""

from typing import Any

from django.db import migrations, models

from apps.core.search import compose_key, refresh_keys, trigram_index_operations


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    """Give every existing row its search key (apps/core/search.py), as the services now do on each write."""
    model = apps.get_model("clients", "Client")

    def key(row: Any) -> str:
        return compose_key(names=(row.first_name, row.last_name), phones=(row.phone,))

    refresh_keys(
        model.objects.all().only("first_name", "last_name", "phone", "search_key").iterator(chunk_size=2000), key, model
    )


trigram_forward, trigram_backward = trigram_index_operations("clients_client", "clients_client_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_version_and_one_active_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="search_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(trigram_forward, trigram_backward),
    ]
