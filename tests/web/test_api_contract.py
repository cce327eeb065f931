"""The JSON API's contract: its OpenAPI schema is served at ``/api/openapi.json`` behind the
same login as everything else, and Schemathesis, driven by that schema against the real app on
a synced demo library, meets no server error and no answer that breaks the schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from xtplay import db
from xtplay.web import auth
from xtplay.web.app import create_app

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def api_app(demo_provider: Any, tmp_path_factory: pytest.TempPathFactory, _vault_uses_key_file: None) -> Iterator[Any]:
    """The app on loopback over a library synced from the demo provider."""
    from tests.plugins.web import add_demo_profile
    from xtplay.config import load_settings

    settings = load_settings(tmp_path_factory.mktemp("contract-home"))
    add_demo_profile(settings, demo_provider)
    yield create_app(settings, demo=demo_provider, require_login=False)


def test_the_api_keeps_its_schema_and_never_fails_with_500(api_app):
    """Each operation of the schema, with cases Schemathesis generates from it (few per
    operation, so the suite stays quick)."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # deleting a profile last: once it has succeeded, the library's operations have no profile
    operations.sort(key=lambda o: (o.method.upper() == "DELETE" and o.path.startswith("/api/profiles"), o.path))
    assert len(operations) >= 15, [f"{o.method} {o.path}" for o in operations]
    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
        def check(case: Any) -> None:
            response = case.call()
            # 502/504 are the provider's failures told as such (a generated URL reaches no server),
            # always with a message for a person; 500 never.
            assert response.status_code != 500, response.text
            if response.status_code >= 500:
                assert response.status_code in (502, 503, 504) and response.json()["message"], response.text
            else:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                                         content_type_conformance])
            statuses.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)

        check()
    assert len(statuses) == len(operations)  # every operation was really called
    assert sum(1 for codes in statuses.values() if any(200 <= s < 300 for s in codes)) >= 8, sorted(statuses.items())


def test_the_schema_is_behind_the_login_off_loopback(settings, _vault_uses_key_file):
    conn = db.open_library(settings.db_path)
    auth.set_access_password(conn, "Corr3ct-Horse-Battery")
    conn.close()
    app = create_app(dataclasses.replace(settings, host="0.0.0.0"))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/api/openapi.json").status_code == 401
    with TestClient(create_app(settings, require_login=False)) as local:
        document = local.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.") and all(p.startswith("/api/") for p in document["paths"])
    assert {"/api/profiles", "/api/favorites", "/api/search", "/api/items"} <= set(document["paths"])
