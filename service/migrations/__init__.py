"""Alembic migrations of the one database schema (jobs, webhooks, keys, stories); `Database.upgrade` applies them."""


def import_models() -> None:
    """Import every module that declares tables, so `Base.metadata` is the whole schema."""
    from ..auth import models as _auth  # noqa: F401
    from ..desk import models as _desk  # noqa: F401
    from ..jobs import models as _jobs  # noqa: F401
    from ..webhooks import models as _webhooks  # noqa: F401
