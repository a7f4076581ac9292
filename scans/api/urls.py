from django.urls import path

from scans.api import views

urlpatterns = [
    path("scans/code", views.CodeScanView.as_view(), name="scan-code"),
    path("scans/prompt", views.PromptScanView.as_view(), name="scan-prompt"),
    path("scans/pii", views.PiiScanView.as_view(), name="scan-pii"),
    path("scans", views.ScanListView.as_view(), name="scan-list"),
    path("scans/<uuid:scan_id>", views.ScanDetailView.as_view(), name="scan-detail"),
    path("scans/<uuid:scan_id>/findings", views.ScanFindingListView.as_view(), name="scan-finding-list"),
    path("scans/<uuid:scan_id>/sarif", views.ScanSarifView.as_view(), name="scan-sarif"),
    path("findings/<str:fingerprint>/triage", views.FindingTriageView.as_view(), name="finding-triage"),
]
