import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def _content_type_relabel(apps, old_label, new_label):
    # Permissions granted on the model and admin history point at its content type: keep them.
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=new_label, model="auditevent").exists():
        content_types.filter(app_label=old_label, model="auditevent").update(app_label=new_label)


def content_type_move(apps, schema_editor):
    _content_type_relabel(apps, "accounts", "audit")


def content_type_return(apps, schema_editor):
    _content_type_relabel(apps, "audit", "accounts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0006_user_identifier_keys'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('organizations', '0002_country_rule_admits_blank'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The model moves from accounts with its table, its rows and its permissions: only Django's
        # record of which app owns it changes (accounts 0007 drops it from accounts' state).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('action', models.CharField(choices=[('login.succeeded', 'Signed in'), ('login.failed', 'Sign-in failed'), ('login.mfa_failed', 'Second factor refused'), ('logout', 'Signed out'), ('account.registered', 'Account created'), ('mfa.device_added', 'Second factor added'), ('mfa.device_removed', 'Second factor removed'), ('mfa.recovery_code_used', 'Recovery code used'), ('mfa.recovery_codes_regenerated', 'Recovery codes regenerated'), ('password.changed', 'Password changed'), ('password.reset_requested', 'Password reset requested'), ('password.reset', 'Password reset'), ('tokens.revoked', 'Sessions revoked'), ('tokens.reuse_detected', 'Spent refresh token presented again'), ('sso.linked', 'Single sign-on account linked'), ('sso.login', 'Signed in with single sign-on'), ('organization.created', 'Organization created'), ('organization.updated', 'Organization updated'), ('organization.deleted', 'Organization deleted'), ('member.role_changed', "Member's role changed"), ('member.removed', 'Member removed'), ('invitation.sent', 'Invitation sent'), ('invitation.accepted', 'Invitation accepted'), ('invitation.revoked', 'Invitation revoked'), ('project.created', 'Project created'), ('project.updated', 'Project updated'), ('project.deleted', 'Project deleted'), ('api_key.created', 'API key created'), ('api_key.revoked', 'API key revoked')], db_index=True, max_length=64)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('user_agent', models.CharField(blank=True, max_length=300)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_events', to='organizations.organization')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_events', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_auditevent',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['user', '-created_at'], name='accounts_au_user_id_adbc45_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_move, content_type_return),
    ]
