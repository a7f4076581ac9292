"""Delivery by email and Slack-compatible webhook, with retries, backoff and the SSRF guard."""

import logging

import pytest
from django.core import mail

from alerts.models import NotificationSettings
from alerts.notifications import DeliveryFailed, alerts_webhook_post
from alerts.services import alerts_raise_for_scan
from alerts.tasks import alerts_email_send_task, alerts_webhook_send_task, retry_countdown
from organizations.roles import Role
from tests.alerts.receiver import receiver_running
from tests.organizations.factories import MembershipFactory
from tests.scans.factories import FindingFactory, ScanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organization):
    return {role: MembershipFactory(organization=organization, role=role).user for role in Role.values}


def _raise(project, *, severity="critical", count=1):
    scan = ScanFactory(project=project)
    for _ in range(count):
        FindingFactory(scan=scan, severity=severity, snippet='TOKEN = "ghp_…(40 chars)"')
    return alerts_raise_for_scan(scan=scan)


def _settings(organization, **fields) -> NotificationSettings:
    return NotificationSettings.objects.create(organization=organization, **fields)


def test_by_default_owners_and_admins_each_get_their_own_email(
    organization, project, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = _raise(project)[0]

    assert sorted(message.to[0] for message in mail.outbox) == sorted([people["owner"].email, people["admin"].email])
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == f"[Bastion] Critical alert in Acme: {alert.title}"
    assert "Project: payments" in message.body
    assert f"http://localhost:8000/alerts/{alert.pk}" in message.body
    assert "ghp_" not in message.body


def test_the_chosen_roles_are_emailed_and_inactive_people_are_not(
    organization, project, people, django_capture_on_commit_callbacks
):
    _settings(organization, email_roles=[Role.MEMBER, Role.VIEWER])
    people[Role.VIEWER].is_active = False
    people[Role.VIEWER].save()

    with django_capture_on_commit_callbacks(execute=True):
        _raise(project)

    assert [message.to for message in mail.outbox] == [[people[Role.MEMBER].email]]


def test_no_email_when_turned_off_or_below_the_minimum_severity(
    organization, project, people, django_capture_on_commit_callbacks
):
    chosen = _settings(organization, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _raise(project)
    chosen.email_enabled, chosen.min_severity = True, "critical"
    chosen.save()
    with django_capture_on_commit_callbacks(execute=True):
        _raise(project, severity="high")

    assert mail.outbox == []


def test_many_alerts_of_one_scan_are_one_email_per_person(
    organization, project, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _raise(project, count=12)

    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "[Bastion] 12 new alerts in Acme"
    assert "…and 2 more in the inbox" in mail.outbox[0].body


@pytest.fixture
def local_webhooks(settings):
    settings.ALLOW_PRIVATE_WEBHOOK_URLS = True
    settings.ALERT_DELIVERY_BACKOFF_SECONDS = 7


def test_the_webhook_gets_readable_blocks_without_the_secret(
    organization, project, local_webhooks, django_capture_on_commit_callbacks
):
    with receiver_running() as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            alert = _raise(project)[0]

    assert len(receiver.received) == 1
    posted = receiver.received[0]
    assert posted["path"] == "/services/T000/B000/hook"
    assert posted["headers"]["Content-Type"] == "application/json"
    body = posted["json"]
    assert body["text"] == f"[Bastion] Critical alert in Acme: {alert.title}"
    header, summary, fields, actions = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": body["text"]}}
    assert summary["text"]["text"] == f"*{alert.title}*\n{alert.message}"
    assert [field["text"] for field in fields["fields"]] == ["*Severity*\nCritical", "*Project*\npayments"]
    assert actions["elements"][0]["url"] == f"http://localhost:8000/alerts/{alert.pk}"
    assert "ghp_" not in str(body)


def test_a_delivery_run_again_sends_nothing_twice(organization, project, people, local_webhooks):
    with receiver_running() as receiver:
        _settings(organization, webhook_enabled=True, webhook_url=receiver.url)
        alerts = _raise(project)  # the on-commit tasks are not run: the test runs them, twice
        ids = (str(organization.pk), [str(alerts[0].pk)])
        for _ in range(2):  # a worker lost before its ack: the broker hands the task out again
            alerts_email_send_task.apply(args=ids)
            alerts_webhook_send_task.apply(args=ids)

    assert (len(mail.outbox), len(receiver.received)) == (2, 1)  # the owner's and the admin's email
    alerts[0].refresh_from_db()
    assert alerts[0].emailed_at is not None
    assert alerts[0].webhook_posted_at is not None


def test_a_failed_delivery_is_not_marked_sent(organization, project, local_webhooks):
    with receiver_running(statuses=[500]) as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        alert = _raise(project)[0]
        with pytest.raises(DeliveryFailed):
            alerts_webhook_post(organization_id=str(organization.pk), alert_ids=[str(alert.pk)])
        assert alerts_webhook_post(organization_id=str(organization.pk), alert_ids=[str(alert.pk)]) is True

    assert len(receiver.received) == 2


@pytest.fixture
def as_a_worker():
    """The webhook task as a worker runs it: a retry runs again (here at once; the countdown is logged),
    rather than raising into the caller as eager tasks in tests otherwise do."""
    conf = alerts_webhook_send_task.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    yield lambda alerts: alerts_webhook_send_task.apply(
        args=[str(alerts[0].organization_id), [str(alert.pk) for alert in alerts]]
    )
    conf.task_eager_propagates = propagates


def test_a_failing_webhook_is_retried_with_doubling_backoff_until_it_succeeds(
    organization, project, local_webhooks, caplog, as_a_worker
):
    with receiver_running(statuses=[500, 503]) as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        alerts = _raise(project)
        with caplog.at_level(logging.WARNING, logger="bastion.alerts"):
            result = as_a_worker(alerts)

    assert (result.state, result.result) == ("SUCCESS", True)
    assert len(receiver.received) == 3
    assert receiver.received[0]["json"] == receiver.received[2]["json"]
    retries = [record.getMessage() for record in caplog.records if "retry" in record.getMessage()]
    assert retries == [
        "Alert delivery failed (webhook: HTTP 500); retry 1 in 7 s",
        "Alert delivery failed (webhook: HTTP 503); retry 2 in 14 s",
    ]


def test_the_backoff_doubles_from_the_configured_base(settings):
    settings.ALERT_DELIVERY_BACKOFF_SECONDS = 30

    assert [retry_countdown(retries) for retries in range(4)] == [30, 60, 120, 240]


def test_a_webhook_that_keeps_failing_gives_up_after_the_retries(
    organization, project, local_webhooks, settings, as_a_worker
):
    settings.ALERT_DELIVERY_MAX_RETRIES = 2
    with receiver_running(statuses=[500] * 10) as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        result = as_a_worker(_raise(project))

    assert result.state == "FAILURE"
    assert len(receiver.received) == 3


def test_an_unreachable_webhook_is_retried_too(organization, project, local_webhooks, settings, as_a_worker):
    settings.ALERT_DELIVERY_MAX_RETRIES = 1
    with receiver_running() as receiver:
        url = receiver.url
    _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=url)  # nobody listens now

    result = as_a_worker(_raise(project))

    assert result.state == "FAILURE"
    assert "webhook: ConnectionError" in str(result.result)


def test_a_client_error_is_not_retried(organization, project, local_webhooks, django_capture_on_commit_callbacks):
    with receiver_running(statuses=[404]) as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            _raise(project)

    assert len(receiver.received) == 1


def test_a_loopback_webhook_is_refused_at_send_time_when_the_operator_does_not_allow_it(
    organization, project, settings
):
    # Saved while allowed (or pointing at a name that now resolves to loopback): checked again at send.
    with receiver_running() as receiver:
        _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url=receiver.url)
        settings.ALLOW_PRIVATE_WEBHOOK_URLS = False
        alerts = _raise(project)

        assert alerts_webhook_post(organization_id=str(organization.pk), alert_ids=[str(alerts[0].pk)]) is False
    assert receiver.received == []


def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(organization, project, settings, monkeypatch):
    settings.ALLOW_PRIVATE_WEBHOOK_URLS = False
    _settings(organization, email_enabled=False, webhook_enabled=True, webhook_url="https://hooks.example.com/x")
    alerts = _raise(project)
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))])

    assert alerts_webhook_post(organization_id=str(organization.pk), alert_ids=[str(alerts[0].pk)]) is False


def test_resolved_alerts_are_not_delivered(organization, project, people):
    alerts = _raise(project)
    alerts[0].is_resolved = True
    alerts[0].save()
    mail.outbox.clear()

    from alerts.notifications import alerts_email_send

    assert alerts_email_send(organization_id=str(organization.pk), alert_ids=[str(alerts[0].pk)]) == 0
    assert mail.outbox == []
