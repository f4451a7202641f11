"""/docs (Swagger UI) and /redoc (ReDoc) that work offline: their scripts and styles are served from here.

The bundles are those of the `fastapi-offline` package (MIT licensed, as Swagger UI and ReDoc are), served under
/docs/assets; no font, favicon or validator is fetched from another host, and each page's policy
(`assets.content_security_policy`) would stop one that tried. ReDoc's bundle shows Redocly's logo from their CDN
in its sidebar with no option to turn it off: it is served with that one URL replaced by a blank image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response

from .assets import PLAIN, Assets, content_security_policy, inline_scripts

BUNDLES = Path(fastapi_offline.__file__).parent / "static"
ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
REDOC_JS = f"{ASSETS}/redoc.offline.js"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_GIF = b"data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="

router = APIRouter(include_in_schema=False)


def _page(page: HTMLResponse) -> HTMLResponse:
    """The page with a policy that allows exactly its own inline scripts; both UIs inject their styles."""
    html = bytes(page.body).decode()
    policy = content_security_policy(inline_scripts=inline_scripts(html), inline_styles=True)
    return HTMLResponse(html, headers={**PLAIN, "Content-Security-Policy": policy})


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return _page(
        get_swagger_ui_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
            swagger_ui_parameters={"validatorUrl": None},  # the default checks the spec at validator.swagger.io
        )
    )


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_redirect() -> HTMLResponse:
    return _page(get_swagger_ui_oauth2_redirect_html())


@cache
def redoc_bundle() -> bytes:
    """ReDoc's standalone bundle with nothing in it that loads from another host."""
    return (BUNDLES / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO, BLANK_GIF)


@router.get(REDOC_JS)
async def redoc_script() -> Response:
    return Response(redoc_bundle(), media_type="text/javascript", headers={**PLAIN, "Cache-Control": "no-cache"})


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return _page(
        get_redoc_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} - ReDoc",
            redoc_js_url=f"{root}{REDOC_JS}",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
    )


def install(app: FastAPI) -> None:
    """The pages and their assets; the app is built with `docs_url=None, redoc_url=None`."""
    app.include_router(router)
    app.mount(ASSETS, Assets(directory=BUNDLES), name="docs-assets")
