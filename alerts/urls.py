from django.urls import path

from alerts import views

urlpatterns = [
    path("alerts/", views.alert_list_page, name="alert-list-page"),
    path("alerts/socket-token/", views.alert_socket_token, name="alert-socket-token"),
    path("alerts/<uuid:alert_id>/", views.alert_detail_page, name="alert-detail-page"),
    path("alerts/<uuid:alert_id>/change/", views.alert_change_page, name="alert-change-page"),
    path(
        "organizations/<uuid:organization_id>/notifications/",
        views.notification_settings_page,
        name="notification-settings-page",
    ),
]
