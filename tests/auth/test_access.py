"""Auth on the real app: which paths need a key, and how a missing, wrong or revoked one is refused."""

from __future__ import annotations

from auth.support import bearer, detect
from service.auth.keys import KeyStore

TEXT = "The council met on Tuesday to discuss the budget for the schools of the city."


def assert_unauthorized(response, message: str) -> None:  # noqa: ANN001 - httpx.Response
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and message in error["message"]
    assert set(response.json()) == {"error"} and "Traceback" not in response.text


def test_off_by_default(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app()
    assert detect(client, TEXT).status_code == 200
    assert client.get("/v1/languages").status_code == 200


def test_missing_wrong_and_revoked_keys_get_401(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app(auth_required=True)
    info, key = keys.create("cms")

    assert detect(client, TEXT, key).status_code == 200
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200

    assert_unauthorized(detect(client, TEXT), "Authorization: Bearer")
    assert_unauthorized(client.get("/v1/languages", headers={"Authorization": f"Basic {key}"}), "Bearer")
    assert_unauthorized(detect(client, TEXT, "wb_not_a_key"), "invalid API key")
    assert_unauthorized(detect(client, TEXT, key[:-1] + ("0" if key[-1] != "0" else "1")), "invalid API key")
    assert_unauthorized(client.get("/v1/nowhere"), "Bearer")  # unknown paths do not reveal themselves

    keys.revoke(info.id)
    assert_unauthorized(detect(client, TEXT, key), "revoked")


def test_health_docs_and_the_signed_hook_stay_open(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app(auth_required=True)
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
    hook = client.post("/v1/hooks/newsroom", content=b"{}")  # its own signature guards it, not a key
    assert hook.json()["error"]["code"] != "unauthorized"
    assert client.get("/ready").status_code in (200, 503)  # open unless WIREBRIEF_AUTH_PROTECT_READY


def test_ready_and_metrics_protected_when_configured(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app(auth_required=True, auth_protect_ready=True, auth_protect_metrics=True)
    _, key = keys.create("probe")
    for path in ("/ready", "/metrics"):
        assert_unauthorized(client.get(path), "Bearer")
        assert client.get(path, headers=bearer(key)).status_code in (200, 503)
    assert client.get("/health").status_code == 200


def test_metrics_open_by_default(make_app) -> None:  # noqa: ANN001 - fixture
    assert make_app(auth_required=True).get("/metrics").status_code == 200


def test_openapi_names_the_key_scheme_and_marks_guarded_operations(make_app) -> None:  # noqa: ANN001
    schema = make_app(auth_required=True).get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/articles"]["post"]["security"] == [{"bearerAuth": []}]
    assert schema["paths"]["/v1/jobs/{job_id}"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in schema["paths"]["/health"]["get"]
    assert "security" not in schema["paths"]["/v1/hooks/newsroom"]["post"]
    open_schema = make_app().get("/openapi.json").json()
    assert "security" not in open_schema["paths"]["/v1/articles"]["post"]
