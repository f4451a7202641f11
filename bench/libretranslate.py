"""wirebrief against LibreTranslate on the same converted model, both as live servers on 127.0.0.1.

LibreTranslate (the PyPI package, in a venv of its own: `--lt-python` or `WIREBRIEF_BENCH_LT_PYTHON`, e.g.
/work/lt-venv/bin/python; the row is skipped with a message when absent) is fed the benchmark's
opus-mt-gmq-en int8 model as a local Argos package (nb → en; an en → nb package with the same files makes the
two it wants before it stops asking the network). Its sentence splitter is spaCy's rule-based `sentencizer`
on a blank multilingual pipeline packaged inside (ARGOS_CHUNK_TYPE=SPACY): the shipped splitters (MiniSBD,
spaCy's xx_sent_ud_sm, stanza) download models at start-up, which this machine cannot.

Equal work: random weights decode as long as they are allowed, so a measurement-only shim around Argos'
`ctranslate2.Translator` appends Marian's `</s>` to each source (as our tokenizer does) and sets
min = max decoding length to the longest source less one per call, which is what wirebrief's CTranslate2
backend decodes under the benchmark's settings (output length = input length, `bench_settings`). Beam 4
in both. Throughput counts the same source tokens for both (our tokenizer over our segmentation).

wirebrief runs as a translation-only server (WIREBRIEF_PRELOAD=0: it loads what its requests use, so no
summarizer; the requests name their language, so no full language detector); `--set NAME=VALUE` overrides any
other setting (e.g. `--set translate_batch_max_tokens=8192`).

Levels: 1 client posting the whole Norwegian seed; 8 clients posting its paragraphs. Rounds interleave
LibreTranslate and wirebrief, level by level. Peak RSS: each server's VmHWM at the end.

`python -m bench.libretranslate --lt-python /work/lt-venv/bin/python [--rounds 2]`
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from service.pipeline import Pipeline
from service.registry import Registry
from service.text import segment
from testkit import PROJECT_ROOT
from testkit.live import free_port, running_server, settings_env

from . import models
from .memory import overrides, status_mb
from .workload import seed_mix

#: Runs inside LibreTranslate's interpreter: the equal-length shim, then LibreTranslate's own main().
LAUNCHER = '''
import sys
import argostranslate.translate as argos
import ctranslate2

class EqualLength:
    """Forces what wirebrief decodes: Marian's </s> on each source, longest source less one new tokens."""
    def __init__(self, **params):
        self._translator = ctranslate2.Translator(**params)
    def translate_batch(self, sources, **options):
        sources = [list(s) + ["</s>"] for s in sources]
        if sources:
            steps = max(len(s) for s in sources) - 1
            options.update(min_decoding_length=steps, max_decoding_length=steps)
        return self._translator.translate_batch(sources, **options)

class Module:
    Translator = EqualLength

argos.ctranslate2 = Module
from libretranslate.main import main
sys.argv = ["libretranslate", *sys.argv[1:]]
main()
'''
SPACY_BLANK = "import spacy, sys; spacy.blank('xx').to_disk(sys.argv[1])"


def argos_packages(lt_python: Path, registry: Path, home: Path) -> Path:
    """nb → en (and an en → nb twin) Argos packages from the bench model; returns ARGOS_PACKAGES_DIR."""
    spec = Registry.load(registry).models[models.TRANSLATOR_KEY]
    ct2 = registry.parent / "cache" / "bench--opus-mt-gmq-en-random-ct2-int8"
    packages = home / "packages"
    for source, target in (("nb", "en"), ("en", "nb")):
        folder = packages / f"{source}_{target}"
        if (folder / "metadata.json").is_file():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(ct2, folder / "model", dirs_exist_ok=True)
        shutil.copy(spec.path / "source.spm", folder / "sentencepiece.model")
        subprocess.run([str(lt_python), "-c", SPACY_BLANK, str(folder / "spacy")], check=True, timeout=300)
        (folder / "metadata.json").write_text(json.dumps({
            "package_version": "1.0", "argos_version": "1.9", "from_code": source, "to_code": target,
            "from_name": "Norwegian" if source == "nb" else "English",
            "to_name": "English" if target == "en" else "Norwegian",
        }))
    # argos' spaCy module looks for its cached xx_sent_ud_sm at import and downloads it when absent
    (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True, exist_ok=True)
    return packages


@contextmanager
def libretranslate(lt_python: Path, registry: Path, home: Path, threads: int) -> Iterator[tuple[str, int]]:
    packages = argos_packages(lt_python, registry, home)
    launcher = home / "launch.py"
    launcher.write_text(LAUNCHER)
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "ARGOS_PACKAGES_DIR": str(packages),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_CONFIG_HOME": str(home / "config"), "ARGOS_CHUNK_TYPE": "SPACY", "ARGOS_BEAM_SIZE": "4",
           "ARGOS_DEBUG": "0", "ARGOS_INTER_THREADS": "1", "ARGOS_INTRA_THREADS": str(threads)}
    log = (home / "libretranslate.log").open("w")
    proc = subprocess.Popen([str(lt_python), str(launcher), "--host", "127.0.0.1", "--port", str(port),
                             "--load-only", "nb,en", "--disable-web-ui", "--char-limit", "-1",
                             "--req-limit", "-1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"LibreTranslate did not start; see {home / 'libretranslate.log'}")
            try:
                if httpx.get(f"{base}/languages", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def drive(post: Callable[[httpx.Client, str], None], bodies: list[str], clients: int) -> float:
    """Seconds for `clients` clients to post every body once (a shared queue)."""
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for body in bodies:
        work.put(body)

    def client(_: int) -> None:
        with httpx.Client(timeout=600) as http:
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                post(http, body)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.libretranslate")
    parser.add_argument("--lt-python", type=Path, default=os.environ.get("WIREBRIEF_BENCH_LT_PYTHON"),
                        help="python of a venv with `pip install libretranslate spacy` (not this project's)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--copies", type=int, default=2, help="times the seed's paragraphs go round at 8 clients")
    parser.add_argument("--detector", default="lingua", help="wirebrief's WIREBRIEF_DETECTOR (lingua-low: 0.7 GB less)")
    parser.add_argument("--replicas", type=int, default=0, help="wirebrief's WIREBRIEF_MODEL_REPLICAS (0: per core)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a wirebrief setting")
    args = parser.parse_args(argv)
    if args.lt_python is None or not Path(args.lt_python).is_file():
        print("LibreTranslate row skipped: no LibreTranslate venv (pass --lt-python or set WIREBRIEF_BENCH_LT_PYTHON "
              "to the python of a venv with `pip install libretranslate spacy`)")
        return
    registry = models.build()
    # a translation-only server, as LibreTranslate is: it loads what its requests use (no summarizer, and no full
    # language detector: the requests name their language)
    settings = models.bench_settings(registry, "ctranslate2", detector=args.detector, model_replicas=args.replicas,
                                     preload=False, **overrides(args.set))
    norwegian = next(a for a in seed_mix() if a.lang != "en")
    paragraphs = [p for p in norwegian.cleaned.splitlines() if p.strip()]
    pipeline = Pipeline.from_settings(settings)
    translator = pipeline.pool.get(pipeline.registry.translator_for("no"))
    tokens = sum(e.length for e in translator.encode([s.text for s in segment(norwegian.cleaned, "no")]))
    pipeline.pool.close()
    work = {1: [norwegian.cleaned], 8: paragraphs * args.copies}
    work_tokens = {1: tokens, 8: tokens * args.copies}
    home = models.OUT / "libretranslate"
    home.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0))

    def ours(http: httpx.Client, text: str) -> None:
        r = http.post(f"{ours_base}/v1/translate", json={"text": text, "source_lang": "no", "clean": False})
        assert r.status_code == 200, r.text[:300]

    def theirs(http: httpx.Client, text: str) -> None:
        r = http.post(f"{lt_base}/translate", json={"q": text, "source": "nb", "target": "en", "format": "text"})
        assert r.status_code == 200, r.text[:300]

    rates: dict[str, dict[int, list[float]]] = {"LibreTranslate": {1: [], 8: []}, "wirebrief": {1: [], 8: []}}
    with libretranslate(Path(args.lt_python), registry, home, cores) as (lt_base, lt_pid), \
            running_server(settings_env(settings), PROJECT_ROOT, startup_timeout_s=300) as (ours_base, ours_proc):
        for post in (theirs, ours):  # warm-up: model loads
            drive(post, [paragraphs[0]], 1)
        for _ in range(args.rounds):
            for clients in (1, 8):
                for name, post in (("LibreTranslate", theirs), ("wirebrief", ours)):
                    rates[name][clients].append(work_tokens[clients] / drive(post, work[clients], clients))
        rss = {"LibreTranslate": status_mb(lt_pid, "VmHWM"), "wirebrief": status_mb(ours_proc.pid, "VmHWM")}
    print(f"Run: `python -m bench.libretranslate --rounds {args.rounds} --detector {args.detector} --replicas "
          f"{args.replicas}{''.join(f' --set {pair}' for pair in args.set)}` on {cores} cores, "
          f"{time.strftime('%Y-%m-%d')}.\n")
    print("| | LibreTranslate | wirebrief | ratio (per round, lowest first) |\n|---|---:|---:|---:|")
    for clients in (1, 8):
        lt, us = rates["LibreTranslate"][clients], rates["wirebrief"][clients]
        ratios = sorted(a / b for a, b in zip(us, lt))
        what = "one client, whole Norwegian seed" if clients == 1 else "8 clients, one paragraph each"
        print(f"| {what} (source tokens/s, median) | {statistics.median(lt):.1f} | {statistics.median(us):.1f} | "
              f"{', '.join(f'{r:.2f}' for r in ratios)} |")
    print(f"| server peak RSS MB (VmHWM) | {rss['LibreTranslate']:,.0f} | {rss['wirebrief']:,.0f} | "
          f"{rss['wirebrief'] / rss['LibreTranslate']:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
