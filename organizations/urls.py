from django.urls import path

from organizations import views

ORGANIZATION = "organizations/<uuid:organization_id>"

urlpatterns = [
    path("organizations/", views.organization_list_page, name="organization-list-page"),
    path("organizations/switch/", views.organization_switch, name="organization-switch"),
    path(f"{ORGANIZATION}/", views.organization_settings_page, name="organization-settings-page"),
    path(f"{ORGANIZATION}/delete/", views.organization_delete_page, name="organization-delete-page"),
    path(f"{ORGANIZATION}/members/", views.membership_list_page, name="membership-list-page"),
    path(f"{ORGANIZATION}/members/<uuid:membership_id>/role/", views.membership_role_page, name="membership-role-page"),
    path(
        f"{ORGANIZATION}/members/<uuid:membership_id>/remove/",
        views.membership_remove_page,
        name="membership-remove-page",
    ),
    path(f"{ORGANIZATION}/invitations/", views.invitation_list_page, name="invitation-list-page"),
    path(
        f"{ORGANIZATION}/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke-page",
    ),
    path(f"{ORGANIZATION}/api-keys/", views.api_key_list_page, name="api-key-list-page"),
    path(f"{ORGANIZATION}/api-keys/<uuid:api_key_id>/revoke/", views.api_key_revoke, name="api-key-revoke-page"),
    path("invitations/<str:token>/", views.invitation_accept_page, name="invitation-accept-page"),
]
