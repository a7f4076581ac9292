from django.urls import path

from scans import views

SCAN = "scans/<uuid:scan_id>"

urlpatterns = [
    path("scans/", views.scan_list_page, name="scan-list-page"),
    path("scans/new/", views.scan_create_page, name="scan-create-page"),
    path(f"{SCAN}/", views.scan_detail_page, name="scan-detail-page"),
    path(f"{SCAN}/status/", views.scan_status_fragment, name="scan-status-fragment"),
    path(f"{SCAN}/sarif/", views.scan_sarif_page, name="scan-sarif-page"),
    path(f"{SCAN}/findings/<uuid:finding_id>/triage/", views.finding_triage_page, name="finding-triage-page"),
]
