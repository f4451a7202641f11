"""Language detection measured by what it costs: how many short sentences would go to the wrong model.

Reads Universal Dependencies treebanks (one per served language, `# text = ` lines of the dev split), keeps
sentences of 5–30 words and takes the first 100 per language in SHA-256 order (deterministic, unrelated to the
text's content or position). Each detected code is mapped through the shipped registry to the model that would
translate it (English: none); a decision is wrong when that model differs from the gold language's.

`python -m evals.text.detection --data DIR [--split dev|test] [--per-language N]`
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from service.config import Settings
from testkit import PROJECT_ROOT
from service.detect import Routing, detect
from service.detect.engines import LangdetectEngine
from service.languages import ENGLISH, NAMES
from service.registry import Registry

#: Served language → the UD treebank holding it (github.com/UniversalDependencies/<name>).
TREEBANKS: dict[str, str] = {
    "en": "UD_English-EWT", "no": "UD_Norwegian-Bokmaal", "da": "UD_Danish-DDT", "sv": "UD_Swedish-Talbanken",
    "is": "UD_Icelandic-Modern", "de": "UD_German-GSD", "fr": "UD_French-GSD", "es": "UD_Spanish-GSD",
    "it": "UD_Italian-ISDT", "nl": "UD_Dutch-Alpino", "pl": "UD_Polish-PDB", "ru": "UD_Russian-GSD",
    "uk": "UD_Ukrainian-IU",
}
#: Languages without a model of their own (the catch-all translates them), several close to one that has a model
#: (pt–es, af–nl, bg–ru/uk, cs/sk–pl, ro–it/fr): what flagging catch-all guesses costs on text that is right.
CATCH_ALL_TREEBANKS: dict[str, str] = {
    "pt": "UD_Portuguese-Bosque", "af": "UD_Afrikaans-AfriBooms", "bg": "UD_Bulgarian-BTB", "cs": "UD_Czech-FicTree",
    "sk": "UD_Slovak-SNK", "ro": "UD_Romanian-RRT", "fi": "UD_Finnish-TDT",
}
MIN_WORDS, MAX_WORDS = 5, 30
PER_LANGUAGE = 100
REGISTRY = PROJECT_ROOT / "models" / "registry.toml"
UNSERVED = "(no model)"


@dataclass(frozen=True)
class Sample:
    gold: str
    text: str


@dataclass(frozen=True)
class Decision:
    sample: Sample
    detected: str
    model: str | None  # what would translate it; None: passed through as English
    right_model: bool
    flagged: bool  # carries ambiguous_language (or undetectable_language)


@dataclass(frozen=True)
class Score:
    name: str
    decisions: tuple[Decision, ...]
    flags: bool  # False for a bare library, which has no notion of doubt

    @property
    def accuracy(self) -> float:
        return sum(d.detected == d.sample.gold for d in self.decisions) / len(self.decisions)

    @property
    def wrong(self) -> list[Decision]:
        return [d for d in self.decisions if not d.right_model]

    def flagged(self, *, right: bool) -> int:
        return sum(d.flagged for d in self.decisions if d.right_model is right)


def sentences(conllu: Path) -> list[str]:
    """The `# text = ` sentences of 5–30 words, distinct, in SHA-256 order."""
    found = {line[len("# text = "):].strip() for line in conllu.read_text(encoding="utf-8").splitlines()
             if line.startswith("# text = ")}
    kept = [text for text in found if MIN_WORDS <= len(text.split()) <= MAX_WORDS]
    return sorted(kept, key=lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest())


def load(data: Path, split: str, per_language: int, treebanks: dict[str, str] = TREEBANKS
         ) -> tuple[list[Sample], list[str]]:
    """The samples of every treebank present under `data/ud/`, and the treebank files that are missing."""
    samples: list[Sample] = []
    missing: list[str] = []
    for code, treebank in treebanks.items():
        files = sorted((data / "ud" / treebank).glob(f"*-ud-{split}.conllu"))
        if not files:
            missing.append(f"ud/{treebank}/*-ud-{split}.conllu")
            continue
        samples += [Sample(code, text) for text in sentences(files[0])[:per_language]]
    return samples, missing


def shipped_routing() -> Routing:
    return Routing.from_registry(Registry.load(REGISTRY))


def score(name: str, samples: Iterable[Sample], guess: Callable[[str], tuple[str, bool]], routing: Routing,
          *, flags: bool) -> Score:
    """Run `guess` (text → code, flagged) over `samples` and judge each answer by the model it picks."""
    decisions = []
    for sample in samples:
        code, flagged = guess(sample.text)
        model = routing.routes.get(code, UNSERVED)
        decisions.append(Decision(sample, code, model, model == routing.route(sample.gold), flagged))
    return Score(name, tuple(decisions), flags)


def ours(engine_name: str, routing: Routing) -> Callable[[str], tuple[str, bool]]:
    """`service.detect.detect` with `engine_name` and the default thresholds of `Settings` (not the environment's)."""
    defaults = {name: Settings.model_fields[name].default
                for name in ("detect_min_chars", "detect_min_confidence", "detect_english_ratio")}

    def guess(text: str) -> tuple[str, bool]:
        result = detect(text, engine_name=engine_name, routing=routing, min_chars=defaults["detect_min_chars"],
                        min_confidence=defaults["detect_min_confidence"],
                        english_ratio=defaults["detect_english_ratio"])
        return result.language.code, result.ambiguous
    return guess


def bare_lingua() -> Callable[[str], tuple[str, bool]]:
    """lingua as shipped: all 75 languages, `detect_language_of`."""
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()

    def guess(text: str) -> tuple[str, bool]:
        language = detector.detect_language_of(text)
        if language is None:
            return ENGLISH, True
        code = language.iso_code_639_1.name.lower()
        return ("no" if code == "nb" else code), False
    return guess


def bare_langdetect() -> Callable[[str], tuple[str, bool]]:
    """langdetect as shipped: all 55 profiles, top answer, seed 0."""
    engine = LangdetectEngine(frozenset(NAMES))

    def guess(text: str) -> tuple[str, bool]:
        ranked = engine.rank(text)
        return (ranked[0][0], False) if ranked else (ENGLISH, True)
    return guess


def measure(samples: list[Sample], routing: Routing) -> list[Score]:
    return [
        score("lingua 2.1 (all 75 languages, bare)", samples, bare_lingua(), routing, flags=False),
        score("langdetect 1.0.9 (all 55 profiles, bare)", samples, bare_langdetect(), routing, flags=False),
        score("**ours: `detect`, lingua engine (default)**", samples, ours("lingua", routing), routing, flags=True),
        score("ours: `detect`, langdetect engine", samples, ours("langdetect", routing), routing, flags=True),
    ]


def render(scores: list[Score], samples: list[Sample], *, split: str, per_language: int) -> str:
    languages = sorted({s.gold for s in samples}, key=list(TREEBANKS).index)
    lines = [
        "## Language detection",
        "",
        (f"{len(samples):,} sentences of {MIN_WORDS}–{MAX_WORDS} words, at most {per_language} per language "
        f"({', '.join(languages)}), from the `{split}` split of Universal Dependencies treebanks. A decision is "
        "wrong when the detected language is translated by another model than the true one (the shipped "
        "`models/registry.toml`; English: no model). *Flagged*: the result carries `ambiguous_language` "
        "(or `undetectable_language`)."),
        "",
        "| detector | language accuracy | wrong-model decisions | of those flagged | right decisions flagged |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in scores:
        flagged_wrong = f"{s.flagged(right=False)} / {len(s.wrong)}" if s.flags else "–"
        flagged_right = f"{s.flagged(right=True)} / {len(s.decisions) - len(s.wrong)}" if s.flags else "–"
        lines.append(f"| {s.name} | {s.accuracy:.1%} | {len(s.wrong)} | {flagged_wrong} | {flagged_right} |")
    default = next(s for s in scores if s.flags)
    lines += ["", f"Wrong-model decisions of {default.name.strip('*')}:", ""]
    if default.wrong:
        lines += ["| true | detected | sent to | flagged | sentence |", "|---|---|---|---|---|"]
        for d in default.wrong:
            text = d.sample.text.replace("|", "\\|")
            lines.append(f"| {d.sample.gold} | {d.detected} | {d.model or 'none (English)'} | "
                         f"{'yes' if d.flagged else '**no**'} | {text} |")
    else:
        lines.append("none.")
    return "\n".join(lines)


def render_catch_all(score_: Score, samples: list[Sample], *, split: str, routing: Routing) -> str:
    """Per language the catch-all translates: how often ours sends it there, and how often it says it is unsure."""
    lines = [
        f"### Languages without a model of their own ({routing.catch_all})",
        "",
        (f"The cost of rule 2 (a catch-all guess is doubtful when a language with a model of its own is close): "
         f"{len(samples):,} sentences from the `{split}` split, same selection, {score_.name.strip('*')}."),
        "",
        "| language | treebank | sentences | sent to the catch-all | of those flagged | sent elsewhere | "
        "of those flagged |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    by_language: dict[str, list[Decision]] = {}
    for decision in score_.decisions:
        by_language.setdefault(decision.sample.gold, []).append(decision)
    for code, decisions in by_language.items():
        right = [d for d in decisions if d.right_model]
        wrong = [d for d in decisions if not d.right_model]
        lines.append(f"| {code} | {CATCH_ALL_TREEBANKS[code]} | {len(decisions)} | {len(right)} | "
                     f"{sum(d.flagged for d in right)} | {len(wrong)} | {sum(d.flagged for d in wrong)} |")
    right_all = [d for d in score_.decisions if d.right_model]
    wrong_all = [d for d in score_.decisions if not d.right_model]
    lines.append(f"| **all** | | {len(score_.decisions)} | {len(right_all)} | "
                 f"{sum(d.flagged for d in right_all)} | {len(wrong_all)} | {sum(d.flagged for d in wrong_all)} |")
    return "\n".join(lines)


def section(data: Path, *, split: str = "dev", per_language: int = PER_LANGUAGE) -> str:
    samples, missing = load(data, split, per_language)
    source = (
        "Data: `git clone https://github.com/UniversalDependencies/<treebank>` for each treebank in "
        f"{', '.join(f'`{t}`' for t in TREEBANKS.values())} (and, for the languages without a model of their own, "
        f"{', '.join(f'`{t}`' for t in CATCH_ALL_TREEBANKS.values())}), laid out as "
        f"`DATA/ud/<treebank>/<file>-ud-{split}.conllu` (e.g. `DATA/ud/UD_English-EWT/en_ewt-ud-{split}.conllu`).\n\n"
        f"Reproduce: `python -m evals.text.detection --data DATA --split {split} --per-language {per_language}`."
    )
    if missing:
        return f"## Language detection\n\nNot measured: missing {', '.join(missing)}.\n\n{source}"
    routing = shipped_routing()
    body = render(measure(samples, routing), samples, split=split, per_language=per_language)
    others, missing_others = load(data, split, per_language, CATCH_ALL_TREEBANKS)
    if others and routing.catch_all is not None:
        default = score("**ours: `detect`, lingua engine (default)**", others, ours("lingua", routing), routing,
                        flags=True)
        body += "\n\n" + render_catch_all(default, others, split=split, routing=routing)
    if missing_others:
        body += f"\n\nNot measured for lack of data: {', '.join(missing_others)}."
    return f"{body}\n\n{source}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.text.detection")
    parser.add_argument("--data", type=Path, required=True, help="folder holding ud/<treebank>/*.conllu")
    parser.add_argument("--split", default="dev", choices=["dev", "test", "train"])
    parser.add_argument("--per-language", type=int, default=PER_LANGUAGE)
    args = parser.parse_args(argv)
    print(section(args.data, split=args.split, per_language=args.per_language))


if __name__ == "__main__":
    main()
