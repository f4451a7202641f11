"""Sentence segmentation, ours against pySBD and blingfire, on public material for every served language.

Two measurements, both read from public repositories laid out under the data folder:

* pySBD's golden rules: the per-language lists of (text, expected sentences) in pySBD's own test files,
  parsed with `ast` at run time (never copied here). Exact match of the whole sentence list, whitespace
  inside sentences normalised for every segmenter alike.
* Universal Dependencies treebanks: paragraphs rebuilt from `# text =` lines and `# newpar` / `# newdoc`
  markers; a treebank with neither marker is cut into runs of ten sentences. Precision, recall and F1 of
  the sentence boundaries inside paragraphs.

"original" is service/text/segment.py as of commit 6d8d1de (before per-language rules), loaded from git at
run time, so the no-loss target on treebank text is checked every run.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from service.text import segment

__all__ = [
    "Case",
    "Counts",
    "golden_cases",
    "load_original",
    "marker_boundaries",
    "peers",
    "score_boundaries",
    "score_cases",
    "section",
    "treebank_paragraphs",
]

#: Source languages the service routes to a translation model, plus English for summaries.
SERVED = ("en", "no", "da", "sv", "is", "de", "fr", "es", "it", "nl", "pl", "ru", "uk")
#: Treebank per language, first one found wins.
TREEBANKS: dict[str, tuple[str, ...]] = {
    "en": ("UD_English-EWT",), "no": ("UD_Norwegian-Bokmaal",), "da": ("UD_Danish-DDT",),
    "sv": ("UD_Swedish-Talbanken",), "is": ("UD_Icelandic-Modern", "UD_Icelandic-IcePaHC"),
    "de": ("UD_German-GSD",), "fr": ("UD_French-GSD",), "es": ("UD_Spanish-AnCora", "UD_Spanish-GSD"),
    "it": ("UD_Italian-ISDT",), "nl": ("UD_Dutch-Alpino",), "pl": ("UD_Polish-PDB", "UD_Polish-LFG"),
    "ru": ("UD_Russian-SynTagRus", "UD_Russian-GSD"), "uk": ("UD_Ukrainian-IU",),
}
#: pySBD has no Norwegian, Swedish, Icelandic or Ukrainian rules: it gets its closest language.
PYSBD_LANG = {"no": "da", "sv": "da", "is": "da", "uk": "ru"}
ORIGINAL_COMMIT = "6d8d1de"
DEFAULT_LIMIT = 2500
RUN_LENGTH = 10  # sentences per pseudo-paragraph in a treebank without paragraph markers
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[a-z])(?:\.\)|\.|\))")  # "1.", "2)", "3.)", "a."
_GOLDEN = re.compile(r"GOLDEN_([A-Z]{2})_RULES_TEST_CASES")
_FURTHER = re.compile(r"([A-Z]{2})_MORE_TEST_CASES|TESTS_WO_CLEAN")

Segmenter = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class Case:
    lang: str
    text: str
    expected: tuple[str, ...]
    golden: bool  # a golden rule, or one of pySBD's further cases for the same (no-clean) segmenter


@dataclass
class Counts:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0

    def add(self, other: Counts) -> None:
        self.true_pos += other.true_pos
        self.false_pos += other.false_pos
        self.false_neg += other.false_neg

    def cell(self) -> str:
        """`P / R / F1` in per cent."""
        found, wanted = self.true_pos + self.false_pos, self.true_pos + self.false_neg
        precision = self.true_pos / found if found else 1.0
        recall = self.true_pos / wanted if wanted else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return f"{100 * precision:.1f} / {100 * recall:.1f} / **{100 * f1:.1f}**"


# --- data -------------------------------------------------------------------------------------

def golden_cases(tests: Path) -> list[Case]:
    """Every no-clean case for a served language in pySBD's `tests/lang/*.py`, in file order.

    A case wrapped in `pytest.param(text, expected, marks=...)` counts like the others, xfail or not.
    """
    cases: list[Case] = []
    for path in sorted(tests.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
                continue
            name = node.targets[0].id
            golden, further = _GOLDEN.fullmatch(name), _FURTHER.fullmatch(name)
            if not (golden or further) or not isinstance(node.value, ast.List):
                continue
            lang = (golden or further).group(1) or "EN"  # type: ignore[union-attr]
            if lang.lower() not in SERVED:
                continue
            for element in node.value.elts:
                if isinstance(element, ast.Call):  # pytest.param(text, expected, marks=...)
                    element = ast.Tuple(elts=element.args[:2], ctx=ast.Load())
                text, expected = ast.literal_eval(element)
                cases.append(Case(lang.lower(), text, tuple(expected), golden is not None))
    return cases


def treebank_paragraphs(folder: Path, limit: int) -> list[list[str]]:
    """Paragraphs (lists of gold sentences) from a treebank's dev then train split, whole paragraphs up to
    `limit` sentences."""
    paragraphs: list[list[str]] = []
    total = 0
    for path in sorted(folder.glob("*-ud-dev.conllu")) + sorted(folder.glob("*-ud-train.conllu")):
        for paragraph in _conllu_paragraphs(path):
            if total >= limit:
                return paragraphs
            paragraphs.append(paragraph)
            total += len(paragraph)
    return paragraphs


def _conllu_paragraphs(path: Path) -> Iterator[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = any(line.startswith(("# newpar", "# newdoc")) for line in lines)
    current: list[str] = []
    for line in lines:
        if line.startswith(("# newpar", "# newdoc")) and current:
            yield current
            current = []
        elif line.startswith(("# text =", "# text=")):
            current.append(" ".join(line.split("=", 1)[1].split()))
            if not marked and len(current) == RUN_LENGTH:
                yield current
                current = []
    if current:
        yield current


# --- scoring ----------------------------------------------------------------------------------

def _normalise(sentences: Iterable[str]) -> list[str]:
    return [" ".join(s.split()) for s in sentences if s.strip()]


def score_cases(segmenter: Segmenter, cases: Iterable[Case]) -> dict[str, tuple[int, int]]:
    """(passed, total) per language: exact match of the whole sentence list."""
    scores: dict[str, tuple[int, int]] = {}
    for case in cases:
        passed, total = scores.get(case.lang, (0, 0))
        ok = _normalise(segmenter(case.text, case.lang)) == _normalise(case.expected)
        scores[case.lang] = (passed + ok, total + 1)
    return scores


def _boundaries(sentences: Iterable[str]) -> set[int]:
    """Where sentences end, as counts of non-space characters, the paragraph's end left out.

    Counting non-space characters lets a peer that changes whitespace be scored on the same positions.
    """
    ends, position = set(), 0
    for sentence in sentences:
        position += sum(not c.isspace() for c in sentence)
        ends.add(position)
    ends.discard(position)
    return ends


def marker_boundaries(sentences: Iterable[str]) -> set[int]:
    """Positions (as in `_boundaries`) right after a list marker opening a gold sentence: "1." alone, or "1."
    before a capitalised item.

    Treebanks disagree there: UD_Ukrainian-IU makes a paragraph's "1." a sentence of its own, the others (and
    pySBD's golden rules) keep it with its item ("1. Ustanawia się …"). Neither convention is an error, so these
    positions are scored for no segmenter.
    """
    positions, position = set(), 0
    for sentence in sentences:
        words = sentence.split()
        if words and _LIST_MARKER.fullmatch(words[0]) and (len(words) == 1 or words[1][:1].isupper()):
            positions.add(position + len(words[0]))
        position += sum(not c.isspace() for c in sentence)
    return positions


def score_boundaries(segmenter: Segmenter, paragraphs: Iterable[list[str]], lang: str) -> Counts:
    """Boundary counts over `paragraphs`, leaving out the positions after a list marker (`marker_boundaries`)."""
    counts = Counts()
    for paragraph in paragraphs:
        unscored = marker_boundaries(paragraph)
        gold = _boundaries(paragraph) - unscored
        found = _boundaries(segmenter(" ".join(paragraph), lang)) - unscored
        counts.add(Counts(len(gold & found), len(found - gold), len(gold - found)))
    return counts


# --- segmenters -------------------------------------------------------------------------------

def ours(text: str, lang: str) -> list[str]:
    return [sentence.text for sentence in segment(text, lang)]


def load_original(commit: str = ORIGINAL_COMMIT) -> Segmenter | None:
    """service.text.segment as it was at `commit`, read from git; None outside a git checkout."""
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("segment.py", "abbreviations.toml"):
            shown = subprocess.run(["git", "-C", str(root), "show", f"{commit}:service/text/{name}"],
                                   capture_output=True, check=False)
            if shown.returncode:
                return None
            (Path(tmp) / name).write_bytes(shown.stdout)
        module_name = f"_segment_{commit}"
        spec = importlib.util.spec_from_file_location(module_name, Path(tmp) / "segment.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        module.split_sentences("Loads. The tables.", "*")  # read the TOML before the folder goes
    return lambda text, lang: [sentence.text for sentence in module.segment(text, lang)]


def peers() -> dict[str, Segmenter | None]:
    """pySBD and blingfire where installed (the `eval` extra), else None."""
    found: dict[str, Segmenter | None] = {"pysbd": None, "blingfire": None}
    try:
        import pysbd  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        cache: dict[str, pysbd.Segmenter] = {}

        def with_pysbd(text: str, lang: str) -> list[str]:
            code = PYSBD_LANG.get(lang, lang)
            if code not in cache:
                cache[code] = pysbd.Segmenter(language=code, clean=False)
            return list(cache[code].segment(text))

        found["pysbd"] = with_pysbd
    try:
        import blingfire  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        found["blingfire"] = lambda text, lang: blingfire.text_to_sentences(text).split("\n")
    return found


# --- report -----------------------------------------------------------------------------------

def section(data: Path, limit: int = DEFAULT_LIMIT) -> str:
    segmenters: dict[str, Segmenter | None] = {"ours": ours, "original": load_original(), **peers()}
    names = list(segmenters)
    missing = [name for name, run in segmenters.items() if run is None]
    parts = [
        "## Sentence segmentation",
        "",
        ("Ours is `service.text.segment(text, lang)`; *original* is the same module at commit "
        f"`{ORIGINAL_COMMIT}` (before per-language rules), read from git at run time; pySBD (`clean=False`) "
        "and blingfire are the peers, from the `eval` extra. pySBD has no Norwegian, Swedish, Icelandic or "
        "Ukrainian rules, so it runs as Danish for the first three and Russian for Ukrainian; blingfire has "
        "no language setting."),
    ]
    if missing:
        parts += ["", f"Not run here (not installed or not in a git checkout): {', '.join(missing)}."]
    parts += ["", f"Reproduce: `python -m evals.text.segmentation --data DATA --limit {limit}`."]

    tests = data / "pySBD" / "tests" / "lang"
    cases = golden_cases(tests) if tests.is_dir() else []
    if cases:
        parts += _case_tables(cases, segmenters, names)
    else:
        parts += ["", f"pySBD's golden rules: no data at `{tests}`."]
    parts += _treebank_table(data / "ud", limit, segmenters, names)
    parts += ["", _LAYOUT]
    return "\n".join(parts) + "\n"


def _case_tables(cases: list[Case], segmenters: dict[str, Segmenter | None], names: list[str]) -> list[str]:
    lines: list[str] = []
    for golden, title in ((True, "pySBD golden rules"), (False, "pySBD's further no-clean cases")):
        chosen = [case for case in cases if case.golden is golden]
        if not chosen:
            continue
        langs = [lang for lang in SERVED if any(case.lang == lang for case in chosen)]
        scores = {name: score_cases(run, chosen) if run else {} for name, run in segmenters.items()}
        lines += ["", f"### {title}: exact match", "",
                  "| language | cases | " + " | ".join(names) + " |",
                  "|---|---:|" + "---:|" * len(names)]
        for lang in [*langs, "all"]:
            total = sum(1 for case in chosen if lang in ("all", case.lang))
            cells = []
            for name in names:
                if not scores[name]:
                    cells.append("–")
                    continue
                passed = sum(p for code, (p, _) in scores[name].items() if lang in ("all", code))
                cells.append(f"{passed} ({100 * passed / total:.1f}%)")
            label = "**all**" if lang == "all" else lang
            lines.append(f"| {label} | {total} | " + " | ".join(cells) + " |")
        failed = [case for case in chosen if _normalise(ours(case.text, case.lang)) != _normalise(case.expected)]
        if failed:
            lines += ["", f"Ours fails {len(failed)}:", ""]
            lines += [f"- {case.lang}: `{case.text[:110]}`" + ("…" if len(case.text) > 110 else "")
                      for case in failed]
    return lines


def _treebank_table(root: Path, limit: int, segmenters: dict[str, Segmenter | None], names: list[str]) -> list[str]:
    lines = ["", "### Universal Dependencies treebanks: sentence boundaries inside paragraphs", "",
             (f"Precision / recall / **F1** (%), the first {limit} sentences (whole paragraphs) of each "
             "treebank's dev split, then train. *Boundaries*: the gold ones scored; *after a list marker*: the "
             "positions right after a marker opening a gold sentence (\"1.\" alone or before its item), scored for "
             "no segmenter, since treebanks disagree on whether the marker is a sentence of its own."), "",
             "| language | treebank | sentences | paragraphs | boundaries | after a list marker | "
             + " | ".join(names) + " |",
             "|---|---|---:|---:|---:|---:|" + "---|" * len(names)]
    totals = {name: Counts() for name in names}
    sentences_total = paragraphs_total = boundaries_total = markers_total = 0
    for lang in SERVED:
        folder = next((root / name for name in TREEBANKS[lang] if (root / name).is_dir()), None)
        paragraphs = treebank_paragraphs(folder, limit) if folder else []
        if not paragraphs:
            continue
        sentences = sum(map(len, paragraphs))
        markers = sum(len(marker_boundaries(paragraph)) for paragraph in paragraphs)
        boundaries = sentences - len(paragraphs) - sum(
            len(marker_boundaries(paragraph) & _boundaries(paragraph)) for paragraph in paragraphs
        )
        cells = []
        for name in names:
            run = segmenters[name]
            if run is None:
                cells.append("–")
                continue
            counts = score_boundaries(run, paragraphs, lang)
            totals[name].add(counts)
            cells.append(counts.cell())
        sentences_total += sentences
        paragraphs_total += len(paragraphs)
        boundaries_total += boundaries
        markers_total += markers
        assert folder is not None
        lines.append(f"| {lang} | {folder.name} | {sentences} | {len(paragraphs)} | {boundaries} | {markers} | "
                     + " | ".join(cells) + " |")
    if not sentences_total:
        return ["", f"Treebanks: no data under `{root}`."]
    lines.append(f"| **all** | | {sentences_total} | {paragraphs_total} | {boundaries_total} | {markers_total} | "
                 + " | ".join(totals[n].cell() if segmenters[n] else "–" for n in names) + " |")
    return lines


_LAYOUT = """Data layout under `DATA` (nothing of it is in this repository):

- `DATA/pySBD/tests/lang/test_*.py`: the `tests/` folder of github.com/nipunsadvilkar/pySBD. Read: every
  `GOLDEN_XX_RULES_TEST_CASES` list (the golden rules), and `XX_MORE_TEST_CASES` plus English
  `TESTS_WO_CLEAN` (further cases for the same `clean=False` segmenter), for the served languages pySBD has
  (en, da, de, fr, es, it, nl, pl, ru). Its clean/PDF cases are left out: they test pySBD's text cleaner.
- `DATA/ud/UD_<Treebank>/<code>-ud-dev.conllu` (and `-train.conllu`, read after dev): the repositories
  github.com/UniversalDependencies/UD_English-EWT, UD_Norwegian-Bokmaal, UD_Danish-DDT, UD_Swedish-Talbanken,
  UD_Icelandic-Modern, UD_German-GSD, UD_French-GSD, UD_Spanish-AnCora or UD_Spanish-GSD, UD_Italian-ISDT,
  UD_Dutch-Alpino, UD_Polish-PDB or UD_Polish-LFG, UD_Russian-SynTagRus or UD_Russian-GSD,
  UD_Ukrainian-IU."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.text.segmentation")
    parser.add_argument("--data", type=Path, required=True, help="folder holding pySBD/ and ud/")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="sentences per treebank")
    args = parser.parse_args(argv)
    print(section(args.data, args.limit), end="")


if __name__ == "__main__":
    main()
