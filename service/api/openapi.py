"""OpenAPI for bodies we parse by hand (text/plain or JSON) so /docs still shows them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from ..config import AccessSettings
from ..contracts.schemas import ErrorOut
from .access import guarded

_REF = "#/components/schemas/{model}"

#: Error answers of every route that runs the pipeline, as README lists them: bad bytes or JSON 400, too large
#: 413, wrong content type 415, invalid fields 422, model queue full 429 (with Retry-After), model missing 503,
#: model too slow 504.
PIPELINE_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 413, 415, 422, 429, 503, 504)
}
_documented: list[type[BaseModel]] = []


def request_body(
    model: type[BaseModel], *, plain_text: bool = False, html: bool = False, example: str | None = None
) -> dict[str, Any]:
    """`openapi_extra` for a route that reads `model` (and optionally raw text or HTML) itself."""
    _documented.append(model)
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}}
    if plain_text:
        content["text/plain"] = {"schema": {"type": "string"}, **({"example": example} if example else {})}
    if html:  # a whole web page, or a CMS fragment (translated with its markup kept)
        markup = "".join(f"<p>{paragraph}</p>" for paragraph in example.split("\n\n")) if example else None
        content["text/html"] = {"schema": {"type": "string"}, **({"example": markup} if markup else {})}
    return {"requestBody": {"required": True, "content": content}}


BEARER = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from `wirebrief keys create` (needed when WIREBRIEF_AUTH_REQUIRED)",
    }
}


def install(app: FastAPI, settings: AccessSettings) -> None:
    """Add the hand-parsed request models to components/schemas, and the API-key scheme where it applies."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in _documented:
            definition = model.model_json_schema(ref_template=_REF)
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        schema["components"]["securitySchemes"] = BEARER
        if settings.auth_required:  # /docs then offers "Authorize" and sends the key on guarded routes
            for path, operations in schema["paths"].items():
                if guarded(path, settings):
                    for operation in operations.values():
                        operation["security"] = [{"bearerAuth": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
