from auth.conftest import keys, make_app  # noqa: F401 - fixtures: apps with their own settings, their key store
from jobs.support import make_client, receiver  # noqa: F401 - fixtures: job apps, a real HTTP receiver
