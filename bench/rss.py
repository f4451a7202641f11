"""Peak RSS with both default models loaded and one article processed, one engine per process.

Run as `python -m bench.rss REGISTRY ENGINE`; prints the peak RSS in MB. A process of its own,
because peak RSS only ever grows within one process.
"""

from __future__ import annotations

import resource
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
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # Linux reports KiB


if __name__ == "__main__":
    main()
