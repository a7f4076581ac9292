"""The client context: what services know of the other end, without the HTTP request."""

from audit.models import AuditEvent
from audit.services import audit_event_record
from core.context import Client, client_as, current_client
from tests.accounts.factories import UserFactory


def test_work_outside_a_request_has_no_client():
    assert current_client() == Client()


def test_a_block_runs_as_its_client_and_the_previous_one_comes_back():
    outer = Client(ip_address="198.51.100.1", user_agent="outer", request_id="r-outer")
    with client_as(outer):
        with client_as({"ip_address": "198.51.100.2", "user_agent": "inner", "request_id": "r-inner"}):
            assert current_client().user_agent == "inner"
        assert current_client() == outer
    assert current_client() == Client()


def test_a_client_survives_the_trip_through_task_arguments():
    client = Client(ip_address="2001:db8::1", user_agent="UA", request_id="abc")

    assert Client(**client.as_data()) == client


def test_the_audit_log_records_the_current_client(db):
    user = UserFactory()
    with client_as(Client(ip_address="203.0.113.9", user_agent="Agent/2", request_id="x")):
        audit_event_record(action=AuditEvent.Action.LOGIN_SUCCEEDED, user=user)

    event = AuditEvent.objects.get(user=user, action=AuditEvent.Action.LOGIN_SUCCEEDED)
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Agent/2")
