from jobs.support import make_client  # noqa: F401 - the app fixture shared with tests/jobs
