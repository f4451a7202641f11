"""API keys, per-key rate limits and durable usage counts (the access side of production hardening).

`keys.py` stores keys hashed, `ratelimit.py` shares request and character counters across processes
through the `limits` library, `usage.py` keeps what each key had processed in the database, `cli.py`
is `wirebrief keys`. The HTTP side (who is calling, refusing, charging) is `service/api/access.py`.
Nothing is imported here, so the CLI stays quick to start.
"""
