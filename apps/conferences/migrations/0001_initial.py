# Case conferences and system signals move out of pathways (docs/decisions/0009-app-relayout.md).
# State only: the tables pathways_caseconference (+ its two M2M tables) and pathways_signal stay as they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pathways', '0001_initial'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CaseConference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('scheduled_at', models.DateTimeField(verbose_name='when')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='where')),
                        ('decisions', models.TextField(blank=True, verbose_name='decisions')),
                        ('organised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('participants', models.ManyToManyField(related_name='case_conferences', to=settings.AUTH_USER_MODEL, verbose_name='participants')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region')),
                        ('pathways', models.ManyToManyField(related_name='case_conferences', to='pathways.pathway', verbose_name='clients discussed')),
                    ],
                    options={
                        'db_table': 'pathways_caseconference',
                        'ordering': ['-scheduled_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SystemSignal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('kind', models.CharField(choices=[('waiting_list', 'Waiting list'), ('rule', 'A rule that blocks'), ('gap', 'Missing offer'), ('other', 'Other')], max_length=20, verbose_name='kind')),
                        ('description', models.TextField(verbose_name='description (no client names)')),
                        ('resolved', models.BooleanField(default=False)),
                        ('case_conference', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='signals', to='conferences.caseconference')),
                        ('pathway', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='signals', to='pathways.pathway')),
                        ('raised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region')),
                    ],
                    options={
                        'db_table': 'pathways_signal',
                        'ordering': ['resolved', '-created_at'],
                    },
                ),
            ],
        ),
    ]
