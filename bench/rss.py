"""Peak RSS of one benchmarked program, in a process of its own: its models loaded, the Norwegian seed processed.

Run as `python -m bench.rss REGISTRY PROGRAM [PARAGRAPHS]` (naive, ours-transformers, ours-ct2-int8, ceiling;
PARAGRAPHS: the seed's first paragraphs only, as the quick run's mix); prints the
peak RSS in MB. Each program is measured running itself, never copied from another. A process of its own,
because peak RSS only ever grows within one process. Read from /proc's VmHWM, not getrusage: Linux carries
ru_maxrss across fork+exec, so a child of the (large) benchmark process would report its parent's peak.
"""

from __future__ import annotations

import sys
from pathlib import Path

from service.registry import Registry

from .variants import Run, variant
from .workload import seed_mix


def main() -> None:
    registry, program = Path(sys.argv[1]), sys.argv[2]
    paragraphs = int(sys.argv[3]) if len(sys.argv) > 3 else None
    norwegian = next(a for a in seed_mix(paragraphs) if a.lang != "en")
    variant(program, Registry.load(registry), registry).process(norwegian, Run())
    print(peak_rss_mb())


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status (not Linux?)")


if __name__ == "__main__":
    main()
