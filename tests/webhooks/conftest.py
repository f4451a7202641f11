from jobs.support import make_client, receiver  # noqa: F401 - fixtures shared with tests/webhooks
