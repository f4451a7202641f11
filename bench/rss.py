"""Peak RSS with both default models loaded and one article processed, one engine per process.

Run as `python -m bench.rss REGISTRY ENGINE`; prints the peak RSS in MB. A process of its own,
because peak RSS only ever grows within one process. Read from /proc's VmHWM, not getrusage:
Linux carries ru_maxrss across fork+exec, so a child of the (large) benchmark process would
report its parent's peak.
"""

from __future__ import annotations

import sys
from pathlib import Path

from service.pipeline import ArticleRequest, Pipeline, SummaryRequest

from .models import bench_settings
from .workload import seed_mix


def main() -> None:
    registry, engine = Path(sys.argv[1]), sys.argv[2]
    pipeline = Pipeline.from_settings(bench_settings(registry, engine))
    norwegian = next(a for a in seed_mix() if a.lang != "en")
    pipeline.process(ArticleRequest(text=norwegian.raw, source_lang="no", summary=SummaryRequest(style="bench")))
    print(peak_rss_mb())


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status (not Linux?)")


if __name__ == "__main__":
    main()
