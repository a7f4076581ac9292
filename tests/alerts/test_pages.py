"""Alert pages: the current organization's inbox with filters and pages, one alert, marking it read,
unread or resolved through the alerts service, the navigation's unread count and the socket's token;
viewers read but never change, outsiders get 404."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.authentication import access_token_user
from accounts.demo import DEMO_EMAIL
from accounts.models import User
from accounts.services.tokens import SOCKET_TOKEN_RATE
from alerts.models import Alert
from alerts.selectors import alert_unread_count
from alerts.views import ALERTS_PER_PAGE
from organizations.models import Organization
from organizations.roles import Role
from tests.accounts.mfa import session_login
from tests.alerts.factories import AlertFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("alert-list-page")


def _detail(alert: Alert) -> str:
    return reverse("alert-detail-page", args=[alert.pk])


def _change(alert: Alert) -> str:
    return reverse("alert-change-page", args=[alert.pk])


@pytest.fixture
def member(client, member_of) -> Client:
    return session_login(client, member_of(Role.MEMBER).user)


@pytest.fixture
def viewer(client, member_of) -> Client:
    return session_login(client, member_of(Role.VIEWER).user)


def _fresh(alert: Alert) -> Alert:
    return Alert.objects.dangerously_unscoped().get(pk=alert.pk)


def test_the_inbox_lists_the_organizations_alerts_newest_first_with_a_link_to_the_scan(member, project):
    now = timezone.now()
    older = AlertFactory(scan__project=project, title="Older secret", created_at=now - timedelta(hours=2))
    newer = AlertFactory(scan__project=project, title="Newer secret", severity="critical", created_at=now)
    theirs = AlertFactory(title="Another organization's alert")

    response = member.get(INBOX)

    assert list(response.context["alerts"]) == [newer, older]
    page = response.content.decode()
    assert page.index("Newer secret") < page.index("Older secret")
    assert theirs.title not in page
    assert reverse("scan-detail-page", args=[newer.scan_id]) in page
    assert _detail(newer) in page
    assert '<span class="sev sev-critical">Critical</span>' in page
    assert "payments" in page


def test_the_filters_narrow_by_severity_read_state_and_project(member, project, organization):
    critical = AlertFactory(scan__project=project, severity="critical")
    read = AlertFactory(scan__project=project, is_read=True)
    resolved = AlertFactory(scan__project=project, is_read=True, is_resolved=True)
    elsewhere = AlertFactory(scan__project=ProjectFactory(organization=organization))

    def shown(**query: object) -> set[Alert]:
        return set(member.get(INBOX, query).context["alerts"])

    assert shown() == {critical, read, resolved, elsewhere}
    assert shown(severity="critical") == {critical}
    assert shown(read="unread") == {critical, elsewhere}
    assert shown(read="read", state="open") == {read}
    assert shown(state="resolved") == {resolved}
    assert shown(project=elsewhere.project_id) == {elsewhere}
    assert shown(severity="dire", state="maybe") == {critical, read, resolved, elsewhere}


def test_an_htmx_request_gets_only_the_list(member, project):
    alert = AlertFactory(scan__project=project)

    response = member.get(INBOX, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert '<div id="alert-rows"' in page
    assert "<html" not in page
    assert alert.title in page


def test_mark_read_then_resolve_then_reopen_go_through_the_service_and_back_to_the_inbox(member, project):
    alert = AlertFactory(scan__project=project)
    back = f"{INBOX}?state=open"

    marked = member.post(_change(alert), {"change": "read", "next": back})
    assert marked.status_code == 302
    assert marked["Location"] == back
    assert _fresh(alert).is_read
    assert not _fresh(alert).is_resolved

    resolved = member.post(_change(alert), {"change": "resolve", "next": back}, follow=True)
    alert.refresh_from_db()
    assert alert.is_resolved
    assert alert.resolved_by is not None
    assert alert.resolved_at is not None
    assert "resolved." in resolved.content.decode()
    assert list(resolved.context["alerts"]) == []  # filtered to open ones

    reopened = member.post(_change(alert), {"change": "reopen"})
    assert reopened["Location"] == _detail(alert)
    assert not _fresh(alert).is_resolved


def test_a_redirect_only_goes_back_to_the_inbox(member, project):
    alert = AlertFactory(scan__project=project)

    response = member.post(_change(alert), {"change": "read", "next": "https://evil.example/alerts/"})

    assert response["Location"] == _detail(alert)


def test_an_unknown_change_changes_nothing(member, project):
    alert = AlertFactory(scan__project=project)

    response = member.post(_change(alert), {"change": "delete"}, follow=True)

    assert "Choose mark read" in response.content.decode()
    assert not _fresh(alert).is_read


def test_reopening_when_a_newer_alert_is_open_says_so(member, project):
    old = AlertFactory(scan__project=project, is_resolved=True)
    AlertFactory(scan__project=project, fingerprint=old.fingerprint)

    response = member.post(_change(old), {"change": "reopen"}, follow=True)

    assert "a newer alert on the same finding is open" in response.content.decode()
    assert _fresh(old).is_resolved


def test_changing_an_alert_needs_the_csrf_token(member_of, project):
    alert = AlertFactory(scan__project=project)
    browser = session_login(Client(enforce_csrf_checks=True), member_of(Role.MEMBER).user)

    response = browser.post(_change(alert), {"change": "resolve"})

    assert response.status_code == 403
    assert not _fresh(alert).is_resolved


def test_the_detail_page_shows_the_alert_and_its_buttons(member, project):
    alert = AlertFactory(scan__project=project)

    page = member.get(_detail(alert)).content.decode()

    assert alert.title in page
    assert alert.message in page
    assert reverse("scan-detail-page", args=[alert.scan_id]) in page
    assert 'value="resolve"' in page
    assert 'value="read"' in page


def test_a_viewer_reads_alerts_but_sees_no_buttons_and_is_refused_changes(viewer, project):
    alert = AlertFactory(scan__project=project)

    inbox = viewer.get(INBOX).content.decode()
    detail = viewer.get(_detail(alert)).content.decode()
    refused = viewer.post(_change(alert), {"change": "resolve"})

    assert alert.title in inbox
    assert alert.title in detail
    assert _change(alert) not in inbox
    assert _change(alert) not in detail
    assert refused.status_code == 403
    assert not _fresh(alert).is_resolved


def test_another_organizations_alert_is_a_404_on_every_page(member, project):
    theirs = AlertFactory()

    assert member.get(_detail(theirs)).status_code == 404
    assert member.post(_change(theirs), {"change": "resolve"}).status_code == 404
    assert not _fresh(theirs).is_resolved
    assert theirs.project.name not in member.get(INBOX, {"project": theirs.project_id}).content.decode()


def test_the_navigation_counts_the_open_unread_alerts_of_the_current_organization(member, project):
    AlertFactory.create_batch(2, scan__project=project)
    AlertFactory(scan__project=project, is_read=True)
    AlertFactory(scan__project=project, is_resolved=True)
    AlertFactory()  # another organization's

    page = member.get(reverse("scan-list-page")).content.decode()

    assert '<span class="nav-count" data-alerts-unread aria-label="2 unread">2</span>' in page
    assert "js/alerts-live.js" in page
    assert alert_unread_count(organization=project.organization) == 2


def test_the_socket_token_is_a_short_lived_token_of_the_signed_in_person(member_of, client):
    person = member_of(Role.MEMBER).user
    browser = session_login(Client(enforce_csrf_checks=True), person)

    refused = browser.post(reverse("alert-socket-token"))
    assert refused.status_code == 403  # without the CSRF token
    page = browser.get(INBOX)
    csrf = page.context["csrf_token"]
    answer = browser.post(reverse("alert-socket-token"), headers={"X-CSRFToken": str(csrf)})

    assert answer["Cache-Control"] == "no-store"
    user, token = access_token_user(answer.json()["token"])
    assert user == person
    assert token["exp"] - token["iat"] <= 60
    assert client.post(reverse("alert-socket-token")).status_code == 302  # signed out: to the sign-in page


def test_the_demo_leaves_unread_alerts_in_the_demo_organizations_inbox(client):
    call_command("demo", stdout=StringIO())
    demo = User.objects.get(email=DEMO_EMAIL)
    organization = Organization.objects.filter(memberships__user=demo).first()

    response = session_login(client, demo).get(INBOX)

    assert alert_unread_count(organization=organization) >= 1
    assert any(not alert.is_read for alert in response.context["alerts"])


def _csrf_browser(user: User) -> tuple[Client, str]:
    browser = session_login(Client(enforce_csrf_checks=True), user)
    return browser, str(browser.get(INBOX).context["csrf_token"])


def test_asking_for_socket_tokens_too_often_is_a_429_in_the_api_error_shape(member_of):
    person = member_of(Role.MEMBER).user
    browser, csrf = _csrf_browser(person)
    allowed = int(SOCKET_TOKEN_RATE.split("/")[0])

    answers = [browser.post(reverse("alert-socket-token"), headers={"X-CSRFToken": csrf}) for _ in range(allowed + 1)]

    assert [answer.status_code for answer in answers[:allowed]] == [200] * allowed
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many socket tokens were asked for: wait a minute.",
        "status_code": 429,
        "error_code": "RATE_LIMIT_EXCEEDED",
    }
    assert refused["Retry-After"] == "60"
    assert refused["Cache-Control"] == "no-store"
    # Counted per person: someone else's browser still gets its token.
    other, other_csrf = _csrf_browser(member_of(Role.MEMBER).user)
    assert other.post(reverse("alert-socket-token"), headers={"X-CSRFToken": other_csrf}).status_code == 200


def test_the_inbox_pages_beyond_one_page_keeping_its_filters(member, project):
    start = timezone.now()
    alerts = [
        AlertFactory(scan__project=project, severity="critical", created_at=start - timedelta(minutes=n))
        for n in range(ALERTS_PER_PAGE + 5)
    ]
    AlertFactory(scan__project=project, severity="low")  # filtered away

    first = member.get(INBOX, {"severity": "critical"})
    second = member.get(INBOX, {"severity": "critical", "page": 2})

    assert list(first.context["alerts"]) == alerts[:ALERTS_PER_PAGE]
    assert list(second.context["alerts"]) == alerts[ALERTS_PER_PAGE:]
    assert 'href="?severity=critical&amp;page=2" rel="next"' in first.content.decode()
    page = second.content.decode()
    assert 'href="?severity=critical&amp;page=1" rel="prev"' in page
    assert f"Page 2 of 2 · alerts {ALERTS_PER_PAGE + 1}–{ALERTS_PER_PAGE + 5} of {ALERTS_PER_PAGE + 5}" in page
    # Past the end (the last alert of a page was just resolved): the last page, not an error.
    assert list(member.get(INBOX, {"severity": "critical", "page": 9}).context["alerts"]) == alerts[ALERTS_PER_PAGE:]


def test_one_page_of_the_inbox_has_no_pager(member, project):
    AlertFactory.create_batch(2, scan__project=project)

    assert 'class="pager"' not in member.get(INBOX).content.decode()


def test_the_inbox_costs_the_same_queries_for_few_alerts_or_many(member, project):
    AlertFactory.create_batch(2, scan__project=project)
    with CaptureQueriesContext(connection) as few:
        member.get(INBOX)
    AlertFactory.create_batch(ALERTS_PER_PAGE + 3, scan__project=project)
    with CaptureQueriesContext(connection) as many:
        member.get(INBOX)

    assert len(many) == len(few)


def test_mark_unread_from_the_list_and_the_detail_goes_through_the_service(member, project):
    alert = AlertFactory(scan__project=project, is_read=True)

    listed = member.get(INBOX).content.decode()
    detail = member.get(_detail(alert)).content.decode()
    assert 'value="unread"' in listed
    assert 'value="unread"' in detail
    assert 'value="read"' not in detail

    response = member.post(_change(alert), {"change": "unread", "next": INBOX}, follow=True)

    assert not _fresh(alert).is_read
    assert "marked unread." in response.content.decode()
    assert alert_unread_count(organization=project.organization) == 1
    assert 'value="read"' in member.get(_detail(alert)).content.decode()


def test_a_viewer_cannot_mark_an_alert_unread(viewer, project):
    alert = AlertFactory(scan__project=project, is_read=True)

    assert viewer.post(_change(alert), {"change": "unread"}).status_code == 403
    assert _fresh(alert).is_read
