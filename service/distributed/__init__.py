"""Distributed mode: job items and webhook deliveries run as Celery tasks on `wirebrief worker` processes.

Switched on by `WIREBRIEF_BROKER_URL` (Redis). The database stays the source of truth: a broker
message only says "look at item N"; claims with leases and fencing tokens decide who runs it, so a
lost, duplicated or redelivered message can delay an item but never run it twice or lose it.
"""
