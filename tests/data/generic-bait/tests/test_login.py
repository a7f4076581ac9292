# ruff: noqa -- false-positive bait for the secret scanner, modelled on real code and never imported
from acme.auth import login


def test_login_with_a_fixture_password(client):
    password = "Fixture-Passw0rd-2024"
    api_key = "tk_fixture_9Qm2Lx7Rv4Zp8Wc3"
    assert login(client, password=password, api_key=api_key).ok
