# Case conferences, signals and group activities now live in apps.conferences and apps.groups
# (docs/decisions/0009-app-relayout.md). State only: no table, column or row changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pathways', '0001_initial'),
        ('conferences', '0001_initial'),
        ('groups', '0002_rename_session_groupsession'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='planchange',
                    name='case_conference',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_changes', to='conferences.caseconference'),
                ),
                migrations.DeleteModel(name='Signal'),
                migrations.DeleteModel(name='Session'),
                migrations.DeleteModel(name='GroupActivity'),
                migrations.DeleteModel(name='CaseConference'),
            ],
        ),
    ]
