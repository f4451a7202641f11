"""The story desk's filing time: one article filed into a desk already holding many stories (issue 16's target:
under 50 ms at 10,000). Stories are made of seed sentences so that they share vocabulary as a real desk's do.

    python -m bench.desk [--stored 10000]
"""

from __future__ import annotations

import argparse
import json

from evals.text.desk import SEEDS, timed_filing
from service.config import DeskSettings


def desk_row(stored: int) -> dict[str, float]:
    """Filing time at `stored` stories, the seeds (four times each, as new articles) filed against them."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    articles = texts * 4
    median_ms, p95_ms, load_s = timed_filing(texts, articles, DeskSettings(), stored)
    return {"stored": stored, "articles": len(articles), "median_ms": median_ms, "p95_ms": p95_ms,
            "index_load_s": load_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stored", type=int, default=10_000)
    print(json.dumps(desk_row(parser.parse_args().stored), indent=2))


if __name__ == "__main__":
    main()
