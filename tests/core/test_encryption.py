import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import override_settings

from projects.models import Project
from tests.projects.factories import ProjectFactory

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _stored_token(project: Project) -> str:
    # Cast to a plain text field: what the column holds, not decrypted.
    return Project.objects.filter(pk=project.pk).values_list(Cast("github_token", TextField()), flat=True).get()


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        project = ProjectFactory(github_token="ghp_rotate_me")
        before = _stored_token(project)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("encryption_rotate", stdout=io.StringIO())

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        project.refresh_from_db()
        assert project.github_token == "ghp_rotate_me"
        assert _stored_token(project) != before


@pytest.mark.django_db
def test_a_value_no_key_can_open_is_an_error_not_garbage():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        project = ProjectFactory(github_token="ghp_secret")

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(ImproperlyConfigured):
        Project.objects.get(pk=project.pk)
