"""`python -m evals.text --data DIR [--out docs/TEXT-QUALITY.md]`: run every text measurement, write the report.

Each measurement module has `section(data: Path) -> str` returning a Markdown section (tables with ours against
the peers and the command that reproduces it); a module whose data are missing says so in its section instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import boilerplate, detection, segmentation

HEADER = """# Text quality

Measured by `make eval-text EVAL_DATA=DIR` (`python -m evals.text --data DIR`) on public material that no one
here wrote. The data are not in the repository: each section says which public repository it reads and how to
lay it out under `DIR`.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.text")
    parser.add_argument("--data", type=Path, required=True, help="folder holding the public data sets")
    parser.add_argument("--out", type=Path, default=Path("docs/TEXT-QUALITY.md"))
    args = parser.parse_args(argv)
    sections = [module.section(args.data) for module in (boilerplate, detection, segmentation)]
    args.out.write_text(HEADER + "\n" + "\n\n".join(s.strip() for s in sections) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
