"""Static files and the Content-Security-Policy of the pages the service serves itself (the editor, the API docs).

Nothing a page needs comes from another host: its scripts, styles and images are files of this package (or of
`fastapi-offline`, for the docs), and its policy lets it load from and connect to this server only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

#: Headers of every page and asset: never sniffed into another type, no referrer sent on.
PLAIN = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def content_security_policy(*, inline_scripts: tuple[str, ...] = (), inline_styles: bool = False) -> str:
    """`default-src 'self'` and nothing looser than needed: `inline_scripts` are allowed by their hashes, and
    `inline_styles` for the UIs that inject their own `<style>` elements."""
    hashes = " ".join(f"'sha256-{_digest(script)}'" for script in inline_scripts)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {hashes}".strip(),
        "style-src": "'self' 'unsafe-inline'" if inline_styles else "'self'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def inline_scripts(html: str) -> tuple[str, ...]:
    """The bodies of a page's inline `<script>` elements, to be allowed by hash."""
    return tuple(_INLINE_SCRIPT.findall(html))


class Assets(StaticFiles):
    """A page's files: revalidated on every use (an upgraded server's page never runs yesterday's script)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update({**PLAIN, "Cache-Control": "no-cache"})
        return response
