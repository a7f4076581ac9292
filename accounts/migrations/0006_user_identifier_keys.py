import unicodedata

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def _canonical(value: str) -> str:
    # A copy of accounts.models.identifier_canonical as it is today: a migration must not follow later edits.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value.strip()).casefold())


def keys_fill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "email", "username").iterator():
        User.objects.filter(pk=user.pk).update(email_key=_canonical(user.email), username_key=_canonical(user.username))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_event_organization")]

    operations = [
        migrations.AddField("user", "email_key", models.CharField(editable=False, max_length=400, null=True)),
        migrations.AddField("user", "username_key", models.CharField(editable=False, max_length=400, null=True)),
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
        migrations.AlterField("user", "email_key", models.CharField(editable=False, max_length=400, unique=True)),
        migrations.AlterField("user", "username_key", models.CharField(editable=False, max_length=400, unique=True)),
    ]
