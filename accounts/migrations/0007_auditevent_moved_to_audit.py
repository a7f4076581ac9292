from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_identifier_keys'),
        ('audit', '0001_initial'),
    ]

    operations = [
        # State only: the table and its rows now belong to audit.AuditEvent (audit 0001).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEvent')],
        ),
    ]
