# Session -> GroupSession (docs/decisions/0009-app-relayout.md). The table keeps its name (db_table);
# Django renames the column of the attendance table that is named after the model
# (pathways_session_attendees.session_id -> groupsession_id). No rows move.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0001_initial'),
        ('pathways', '0001_initial'),
    ]

    operations = [
        migrations.RenameModel(old_name='Session', new_name='GroupSession'),
    ]
