"""`manage.py demo` asks each app for its demo data, in the order the apps build on each other."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_demo_prints_the_account_then_the_organization_then_the_project():
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()

    sections = [
        "  Bastion demo account\n",
        "  Organization: Demo Organization (demo)\n",
        "  Project:      demo-app (https://github.com/example/demo-app)\n",
        "  API docs: http://127.0.0.1:8000/docs\n",
    ]
    positions = [printed.find(section) for section in sections]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "port", "server"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("0.0.0.0", 9000, "http://0.0.0.0:9000"),
        ("::1", 8001, "http://[::1]:8001"),
    ],
)
def test_the_demo_prints_the_address_the_server_starts_on(host, port, server):
    out = StringIO()
    call_command("demo", host=host, port=port, stdout=out)
    printed = out.getvalue()

    assert f"  Sign in: {server}/login/ with the email and password" in printed
    assert f"  API docs: {server}/docs\n" in printed
    assert ":8000" not in printed


@pytest.mark.django_db
def test_the_demo_chat_is_answered_from_the_demo_handbook(django_capture_on_commit_callbacks):
    from chats.models import Chat

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())

    chat = Chat.objects.dangerously_unscoped().get()
    answer = chat.messages.get(role="assistant")
    assert "every ninety days" in answer.content
    assert "Signing key rotation" in answer.content  # cited by its document's title
    assert chat.system_prompt_ref.name == "Security reviewer"
