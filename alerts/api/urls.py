from django.urls import path

from alerts.api import views

urlpatterns = [
    path("alerts", views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<uuid:alert_id>", views.AlertDetailView.as_view(), name="alert-detail"),
    path(
        "organizations/<uuid:organization_id>/notification-settings",
        views.NotificationSettingsView.as_view(),
        name="notification-settings",
    ),
]
