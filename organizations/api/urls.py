from django.urls import path

from organizations.api import api_keys, views

urlpatterns = [
    path("organizations", views.OrganizationListCreateView.as_view(), name="organization-list"),
    path("organizations/<uuid:organization_id>", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<uuid:organization_id>/members", views.MembershipListView.as_view(), name="membership-list"),
    path(
        "organizations/<uuid:organization_id>/members/<uuid:membership_id>",
        views.MembershipDetailView.as_view(),
        name="membership-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/invitations",
        views.InvitationListCreateView.as_view(),
        name="invitation-list",
    ),
    path(
        "organizations/<uuid:organization_id>/invitations/<uuid:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("invitations/accept", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("api-keys", api_keys.ApiKeyListCreateView.as_view(), name="api-key-list"),
    path("api-keys/<uuid:api_key_id>", api_keys.ApiKeyDetailView.as_view(), name="api-key-detail"),
]
