from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config.api.health import HealthAliasView, HealthView
from config.api.views import api_not_found

admin.site.site_header = "Bastion administration"
admin.site.site_title = "Bastion admin"
admin.site.index_title = "Operations"

api_v1 = [
    path("health", HealthView.as_view(), name="health-v1"),
    path("", include("accounts.api.urls")),
    path("", include("organizations.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("scans.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("chats.api.urls")),
]

# ReDoc renders with styled-components and a web worker; only its page gets those allowances.
redoc_view = csp_update({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="openapi-schema")
)

urlpatterns = [
    path("health", HealthAliasView.as_view(), name="health"),
    path("api/health", HealthAliasView.as_view(), name="health-api"),
    path("api/v1/", include(api_v1)),
    # Aliases of the canonical views at the paths the seeds document (docs/COMPATIBILITY.md).
    path("", include("config.compat.urls")),
    path("v1/", include("chats.api.openai_urls")),
    re_path(r"^api/", api_not_found),
    re_path(r"^v1/", api_not_found),
    re_path(r"^auth/", api_not_found),  # seed 000's API roots
    re_path(r"^models/", api_not_found),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="openapi-schema"), name="swagger-ui"),
    path("redoc", redoc_view, name="redoc"),
    # Operators sign in like everyone else: rate limits and the second factor apply to the admin too.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    # allauth serves single sign-on only: its own sign-in and sign-up pages lead to ours.
    path("accounts/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("accounts/signup/", RedirectView.as_view(pattern_name="register")),
    path("accounts/", include("allauth.urls")),
    path("", include("organizations.urls")),
    path("", include("projects.urls")),
    path("", include("scans.urls")),
    path("", include("alerts.urls")),
    path("", include("chats.urls")),
    path("", include("chats.knowledge_page_urls")),
    path("", include("accounts.urls")),
]

handler500 = "config.api.views.server_error"
