"""The tenant door refuses, at class creation, a view that would let a request through unasked."""

import pytest
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.api.base import TenantAPIView, in_url
from organizations.roles import Action


def test_a_view_that_overrides_the_door_cannot_be_declared():
    with pytest.raises(TypeError, match="step around the door"):

        class Sneaky(TenantAPIView):
            required_actions = {"GET": Action.PROJECTS_VIEW}
            organization_from = in_url("organization_id")

            def initial(self, request: Request, *args: object, **kwargs: object) -> None:
                pass


def test_a_handler_without_an_action_cannot_be_declared():
    with pytest.raises(TypeError, match="no action"):

        class Forgetful(TenantAPIView):
            required_actions = {"GET": Action.PROJECTS_VIEW}
            organization_from = in_url("organization_id")

            def delete(self, request: Request) -> Response:
                return Response(status=204)


def test_an_action_without_a_place_for_its_organization_cannot_be_declared():
    with pytest.raises(TypeError, match="names its organization"):

        class Placeless(TenantAPIView):
            required_actions = {"GET": Action.PROJECTS_VIEW}

            def get(self, request: Request) -> Response:
                return Response()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [({"name": "P"}, "This field is required."), ({"name": "P", "organization_id": "nope"}, "Must be a valid UUID.")],
)
def test_a_body_that_names_no_organization_is_a_422_naming_the_field(owner_client, body, reason):
    response = owner_client.post(reverse("project-list"), body, format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"organization_id": [reason]}


def test_a_mixin_that_overrides_the_door_cannot_be_declared_either():
    class Skipping:
        def check_permissions(self, request: Request) -> None:
            pass

    with pytest.raises(TypeError, match="step around the door"):

        class Mixed(Skipping, TenantAPIView):
            required_actions = {"GET": Action.PROJECTS_VIEW}
            organization_from = in_url("organization_id")
