"""OpenAPI for bodies we parse by hand (text/plain or JSON) so /docs still shows them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

_REF = "#/components/schemas/{model}"
_documented: list[type[BaseModel]] = []


def request_body(model: type[BaseModel], *, plain_text: bool = False, example: str | None = None) -> dict[str, Any]:
    """`openapi_extra` for a route that reads `model` (and optionally raw text) itself."""
    _documented.append(model)
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}}
    if plain_text:
        content["text/plain"] = {"schema": {"type": "string"}, **({"example": example} if example else {})}
    return {"requestBody": {"required": True, "content": content}}


def install(app: FastAPI) -> None:
    """Add the hand-parsed request models to components/schemas."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in _documented:
            definition = model.model_json_schema(ref_template=_REF)
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
