"""In-process apps for the compatible APIs: the access tests' `make_app` and `keys`, job workers on."""

from __future__ import annotations

from auth.conftest import keys, make_app  # noqa: F401 - fixtures
