import re

import pytest

from config.api.serializers import ErrorSerializer


@pytest.fixture
def schema(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    return response.json()


@pytest.mark.django_db
def test_the_schema_documents_the_auth_api_and_health(schema):
    paths = set(schema["paths"])

    assert {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/health",
    } <= paths
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


@pytest.mark.django_db
def test_every_operation_documents_its_success_and_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            success = [code for code in responses if code.startswith(("2", "3"))]
            assert success, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= set(responses), (method, path)
            if operation.get("security") != [{}] and {"jwtAuth": []} in operation.get("security", []):
                assert "401" in responses, (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")) and code != "503":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/Error"), (method, path, code)


@pytest.mark.django_db
def test_the_error_component_is_the_documented_shape(schema):
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) == set(ErrorSerializer().fields)
    assert set(error["required"]) == {"detail", "status_code", "error_code"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_from_this_site_only(client, path):
    html = client.get(path).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert any(source.endswith(".js") for source in sources)
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), sources
    assert "https://" not in html


@pytest.mark.django_db
def test_swagger_ui_script_is_served_separately_so_the_csp_holds(client):
    response = client.get("/docs?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/openapi.json" in response.content.decode()


def _request_schema(schema: dict, path: str, method: str) -> dict:
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.django_db
def test_the_schema_states_the_field_rules_the_server_enforces(schema):
    organization = _request_schema(schema, "/api/v1/organizations", "post")
    register = _request_schema(schema, "/api/v1/auth/register", "post")
    login = _request_schema(schema, "/api/v1/auth/login", "post")
    login_mfa = _request_schema(schema, "/api/v1/auth/login/mfa", "post")

    assert re.fullmatch(organization["properties"]["slug"]["pattern"], "acme-labs")
    assert not re.fullmatch(organization["properties"]["slug"]["pattern"], "Acme Labs")
    assert register["properties"]["password"]["minLength"] == 12
    assert login["anyOf"] == [{"required": ["email"]}, {"required": ["username"]}]
    assert login_mfa["oneOf"] == [{"required": ["code"]}, {"required": ["recovery_code"]}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method", "code"),
    [
        ("/api/v1/organizations/{organization_id}", "delete", "CONFIRMATION_MISMATCH"),
        ("/api/v1/organizations/{organization_id}/members/{membership_id}", "delete", "LAST_OWNER"),
        ("/api/v1/organizations/{organization_id}/members/{membership_id}", "patch", "LAST_OWNER"),
        ("/api/v1/organizations", "post", "ALREADY_EXISTS"),
        ("/api/v1/auth/register", "post", "DUPLICATE_EMAIL"),
        ("/api/v1/auth/mfa/confirm", "post", "ENROLLMENT_NOT_PENDING"),
        ("/api/v1/api-keys", "post", "EXPIRY_IN_PAST"),
    ],
)
def test_domain_errors_a_view_raises_are_documented(schema, path, method, code):
    response = schema["paths"][path][method]["responses"]["422"]

    assert f"`{code}`" in response["description"]
    assert code in response["x-error-codes"]
    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


@pytest.mark.django_db
def test_every_error_response_lists_its_codes(schema):
    listed = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                if body.get("$ref", "").endswith("/Error"):
                    assert response.get("x-error-codes"), f"{method.upper()} {path} {status}"
                    listed += 1
    assert listed > 100


@pytest.mark.django_db
def test_free_text_fields_state_what_the_server_refuses(schema):
    organization = _request_schema(schema, "/api/v1/organizations", "post")
    enroll = _request_schema(schema, "/api/v1/auth/mfa/enroll", "post")
    name = organization["properties"]["name"]["pattern"]
    description = organization["properties"]["description"]["pattern"]

    assert re.fullmatch(name, "Acme")
    assert not re.fullmatch(name, "   ")  # stripped, then blank
    assert not re.fullmatch(name, "Ac\x00me")
    assert re.fullmatch(description, "")
    assert not re.fullmatch(description, "\x00")
    # Every character DRF strips is named, not left to `\s`, which means fewer of them in JSON Schema's regexes.
    assert "\\s" not in name
    assert not [char for char in map(chr, range(0x3001)) if char.isspace() and re.fullmatch(name, f"{char}{char}")]
    assert re.fullmatch(name, "\ufeff")  # not stripped by DRF, so not blank
    assert re.fullmatch(enroll["properties"]["phone"]["pattern"], "+447700900123")
    assert enroll["allOf"] == [
        {"if": {"properties": {"method": {"const": "sms"}}, "required": ["method"]}, "then": {"required": ["phone"]}}
    ]


@pytest.mark.django_db
def test_list_operations_document_the_paging_bounds(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/organizations"]["get"]["parameters"]}

    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert parameters["skip"] == {"type": "integer", "minimum": 0, "default": 0}
