"""The alerts inbox live: every open dashboard of the organization's members hears a new alert and
the unread count over a real WebSocket (`ws/alerts/`); nobody else does."""

import json
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from accounts.services.tokens import token_pair_issue
from alerts.services import alert_update, alerts_raise_for_scan
from organizations.roles import Role
from tests.alerts.factories import AlertFactory
from tests.organizations.factories import MembershipFactory
from tests.processes import uvicorn_running
from tests.projects.factories import ProjectFactory
from tests.scans.factories import FindingFactory, ScanFactory

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(process_env: dict[str, str]) -> Iterator[str]:
    with uvicorn_running(process_env) as base_url:
        yield base_url


def _socket(server: str, user) -> ClientConnection:
    token = token_pair_issue(user=user).access_token
    url = server.replace("http://", "ws://") + "/ws/alerts/"
    return connect(url, open_timeout=10, subprotocols=["bearer", token])


def _receive(socket: ClientConnection) -> dict:
    return json.loads(socket.recv(timeout=10))


def _quiet(socket: ClientConnection) -> bool:
    """Nothing arrives before the answer to a ping: the socket heard no event."""
    socket.send(json.dumps({"type": "ping"}))
    return _receive(socket) == {"type": "pong"}


@pytest.fixture
def world(transactional_db):
    # Committed, so the server process sees it.
    project = ProjectFactory(name="payments")
    organization = project.organization
    return {
        "project": project,
        "owner": MembershipFactory(organization=organization, role=Role.OWNER).user,
        "viewer": MembershipFactory(organization=organization, role=Role.VIEWER).user,
        "outsider": MembershipFactory(role=Role.OWNER).user,
        "leaving": MembershipFactory(organization=organization, role=Role.MEMBER),
    }


def test_a_new_alert_reaches_every_members_dashboard_with_the_unread_count_and_nobody_elses(server, world):
    project = world["project"]
    AlertFactory(scan=ScanFactory(project=project))  # one unread already
    scan = ScanFactory(project=project)
    FindingFactory(scan=scan, severity="critical", title="AWS secret access key")

    with (
        _socket(server, world["owner"]) as owner,
        _socket(server, world["owner"]) as second_tab,
        _socket(server, world["viewer"]) as viewer,
        _socket(server, world["outsider"]) as outsider,
        _socket(server, world["leaving"].user) as leaving,
    ):
        hello = _receive(owner)
        assert hello == {"type": "authenticated", "unread_counts": {str(project.organization_id): 1}}
        for socket in (second_tab, viewer, outsider, leaving):
            assert _receive(socket)["type"] == "authenticated"
        world["leaving"].delete()  # removed from the organization while the dashboard is open

        (alert,) = alerts_raise_for_scan(scan=scan)

        for socket in (owner, second_tab, viewer):
            event = _receive(socket)
            assert event["type"] == "alert.created"
            assert event["organization_id"] == str(project.organization_id)
            assert event["unread_count"] == 2
            assert [(item["id"], item["severity"], item["project_name"]) for item in event["alerts"]] == [
                (str(alert.pk), "critical", "payments")
            ]
        assert _quiet(outsider)
        assert _quiet(leaving)


def test_marking_an_alert_read_updates_the_count_on_open_dashboards(server, world):
    alert = AlertFactory(scan=ScanFactory(project=world["project"]))

    with _socket(server, world["viewer"]) as viewer:
        assert _receive(viewer)["unread_counts"] == {str(alert.organization_id): 1}

        alert_update(actor=world["owner"], alert=alert, is_read=True)

        event = _receive(viewer)
        assert (event["type"], event["unread_count"], event["alerts"][0]["is_read"]) == ("alert.updated", 0, True)


def test_a_socket_without_a_token_is_closed_with_4401(server):
    with connect(server.replace("http://", "ws://") + "/ws/alerts/", open_timeout=10) as socket:
        socket.send(json.dumps({"type": "ping"}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd.code == 4401
