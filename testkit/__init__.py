"""The test kit: tiny model builders, live-server and real-database launchers for the tests and `bench/`.

Not part of the product (the wheel ships `service` only).
"""

from pathlib import Path

#: The source checkout: seeds, registry and prompts the tests and benchmarks read.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
