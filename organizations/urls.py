from django.urls import path

from organizations.views import api_keys, invitations, memberships, organizations

ORGANIZATION = "organizations/<uuid:organization_id>"

urlpatterns = [
    path("organizations/", organizations.organization_list_page, name="organization-list-page"),
    path("organizations/switch/", organizations.organization_switch, name="organization-switch"),
    path(f"{ORGANIZATION}/", organizations.organization_settings_page, name="organization-settings-page"),
    path(f"{ORGANIZATION}/delete/", organizations.organization_delete_page, name="organization-delete-page"),
    path(f"{ORGANIZATION}/members/", memberships.membership_list_page, name="membership-list-page"),
    path(
        f"{ORGANIZATION}/members/<uuid:membership_id>/role/",
        memberships.membership_role_page,
        name="membership-role-page",
    ),
    path(
        f"{ORGANIZATION}/members/<uuid:membership_id>/remove/",
        memberships.membership_remove_page,
        name="membership-remove-page",
    ),
    path(f"{ORGANIZATION}/invitations/", invitations.invitation_list_page, name="invitation-list-page"),
    path(
        f"{ORGANIZATION}/invitations/<uuid:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation-revoke-page",
    ),
    path(f"{ORGANIZATION}/api-keys/", api_keys.api_key_list_page, name="api-key-list-page"),
    path(f"{ORGANIZATION}/api-keys/<uuid:api_key_id>/revoke/", api_keys.api_key_revoke, name="api-key-revoke-page"),
    path("invitations/<str:token>/", invitations.invitation_accept_page, name="invitation-accept-page"),
]
