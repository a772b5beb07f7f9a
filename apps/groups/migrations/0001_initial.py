# Group activities and their sessions move out of pathways (docs/decisions/0009-app-relayout.md).
# State only: the tables pathways_groupactivity, pathways_session and pathways_session_attendees stay.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partners', '0001_initial'),
        ('pathways', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='GroupActivity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='partners.offer')),
                    ],
                    options={
                        'db_table': 'pathways_groupactivity',
                    },
                ),
                # Created under its old name: the rename in 0002 then renames the M2M column
                # pathways_session_attendees.session_id to groupsession_id (the one schema change; no rows move).
                migrations.CreateModel(
                    name='Session',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField(verbose_name='date')),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='groups.groupactivity')),
                        ('attendees', models.ManyToManyField(blank=True, related_name='sessions_attended', to='pathways.pathway', verbose_name='present')),
                    ],
                    options={
                        'db_table': 'pathways_session',
                        'ordering': ['-held_on'],
                    },
                ),
            ],
        ),
    ]
