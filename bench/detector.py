"""What language detection costs in memory against what it gets right, per lingua configuration.

Each variant runs in a process of its own (RSS only grows within one): RSS before the detector exists, after
the first Latin-script text, the peak, and the detection evaluation's count of sentences routed to the wrong
model (`evals.text.detection`: Universal Dependencies sentences, 13 languages) and of those, how many went
unflagged.

`python -m bench.detector --data /work/evaldata` prints the Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from evals.text.detection import PER_LANGUAGE, TREEBANKS, load, ours, score, shipped_routing
from service.detect import engines

from .rss import peak_rss_mb

#: variant → (engine name, LinguaEngine options, candidates: "routed" = the shipped routing's, "eval" = the 13)
VARIANTS: dict[str, tuple[str, dict[str, bool], str]] = {
    "high accuracy, lazy (default)": ("lingua", {}, "routed"),
    "high accuracy, preloaded": ("lingua", {"preload": True}, "routed"),
    "low accuracy, lazy (`WIREBRIEF_DETECTOR=lingua-low`)": ("lingua-low", {}, "routed"),
    "high accuracy, only the 13 evaluated languages": ("lingua", {}, "eval"),
    "langdetect instead (`WIREBRIEF_DETECTOR=langdetect`)": ("langdetect", {}, "routed"),
}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (not Linux?)")


def one(variant: str, data: Path) -> dict[str, float | int]:
    name, options, which = VARIANTS[variant]
    routing = shipped_routing()
    candidates = routing.candidates if which == "routed" else frozenset(TREEBANKS)
    before = rss_mb()
    started = time.perf_counter()
    built: engines.Engine = (
        engines.LangdetectEngine(candidates)
        if name == "langdetect"
        else engines.LinguaEngine(candidates, low_accuracy=name == "lingua-low", **options)
    )
    engines._built[(name, routing.candidates)] = built  # measurement only: `detect` uses this instance
    built.rank("Dette er en setning på norsk.")
    loaded = rss_mb()
    samples, missing = load(data, "dev", PER_LANGUAGE)
    if missing:
        raise SystemExit(f"missing treebanks: {missing}")
    result = score(variant, samples, ours(name, routing), routing, flags=True)
    return {
        "before_mb": before,
        "after_first_mb": loaded,
        "peak_mb": peak_rss_mb(),
        "first_s": time.perf_counter() - started,
        "sentences": len(samples),
        "wrong": len(result.wrong),
        "unflagged": len(result.wrong) - result.flagged(right=False),
        "right_flagged": result.flagged(right=True),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.detector")
    parser.add_argument("--data", type=Path, required=True, help="folder holding ud/<treebank>/*.conllu")
    parser.add_argument("--variant", choices=list(VARIANTS), help="measure one variant in this process (JSON)")
    args = parser.parse_args(argv)
    if args.variant:
        print(json.dumps(one(args.variant, args.data)))
        return
    rows = ["| detector configuration | RSS added by the detector MB | peak RSS MB | wrong-model routings | of those "
            "unflagged | right ones flagged |", "|---|---:|---:|---:|---:|---:|"]
    for variant in VARIANTS:
        done = subprocess.run([sys.executable, "-m", "bench.detector", "--data", str(args.data), "--variant", variant],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(f"| {variant} | {r['after_first_mb'] - r['before_mb']:,.0f} | {r['peak_mb']:,.0f} | "
                    f"{r['wrong']} / {r['sentences']:,} | {r['unflagged']} | {r['right_flagged']} |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
