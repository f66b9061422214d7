"""The OpenAPI schema documents every endpoint cleanly, and the docs page needs no outside CDN."""

import re

import pytest

# The schema is built once (the openapi_schema fixture, tests/conftest.py) for every test that reads it.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("openapi-schema")]


def test_the_schema_generates_and_validates_with_no_warnings(openapi_schema):
    # The fixture generated it with --validate --fail-on-warn: any warning would have been an error.
    assert "/api/v1/children/" in openapi_schema["paths"]


def test_every_operation_has_an_id_a_tag_and_documents_its_errors(openapi_schema):
    operations = [
        (path, method, operation)
        for path, item in openapi_schema["paths"].items()
        for method, operation in item.items()
    ]
    assert operations
    for path, method, operation in operations:
        assert operation["operationId"], (path, method)
        assert operation["tags"], (path, method)
        error_statuses = {status for status in operation["responses"] if status.startswith("4")}
        assert {"400", "404", "405"} <= error_statuses, (path, method)
        if operation.get("security") != [{}] and path != "/api/v1/auth/token/":
            assert "401" in error_statuses, (path, method)


def test_no_integer_ids_appear_in_the_schema(openapi_schema):
    for name, component in openapi_schema["components"]["schemas"].items():
        assert not {"id", "pk"} & set(component.get("properties", {})), name


def test_the_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/children/{public_id}/" in response.content


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any("swagger-ui" in url for url in urls)
    # Our static files, and the start-up script served as a file (no inline script under the CSP).
    for url in urls:
        assert url.startswith(("/static/", "/api/docs/?script")), url
    assert "cdn" not in html.lower()
    assert "//" not in "".join(url for url in urls)
    script = client.get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script  # Otherwise Swagger UI fetches a badge from validator.swagger.io.
