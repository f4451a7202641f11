from jobs.support import receiver  # noqa: F401 - the loopback webhook receiver fixture
