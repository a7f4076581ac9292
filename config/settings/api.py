"""The JSON API: DRF and its schema."""

import os

# --- API ------------------------------------------------------------------------------------------
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.authentication.ApiKeyAuthentication",
        "accounts.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.IsUser"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONBodyParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.SkipLimitPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.BastionAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bastion API",
    "DESCRIPTION": "Self-hosted, multi-tenant secure AI platform. Every error has the shape "
    "`{detail, status_code, error_code, errors?}`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Vendored from npm by scripts/vendor-assets.sh, patched to load nothing from outside.
    "REDOC_DIST": "/static/vendor/redoc",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "MFAMethodEnum": "accounts.api.mfa.ENROLL_METHOD_CHOICES",
        "MFACodeMethodEnum": "accounts.api.mfa.CODE_METHOD_CHOICES",
        "MFADeviceMethodEnum": "accounts.api.mfa.DEVICE_METHOD_CHOICES",
        "MFALoginMethodEnum": "accounts.models.MFAMethod",
        "UserRoleEnum": "accounts.api.serializers.PLATFORM_ROLES",
        "OrganizationRoleEnum": "organizations.roles.Role",
        "ScanStatusEnum": "scans.models.Scan.Status",
        "TriageStatusEnum": "scans.models.Triage.Status",
        "SeverityEnum": "scans.engine.findings.Severity",
    },
}
