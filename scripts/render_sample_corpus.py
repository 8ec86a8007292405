"""Render the seed texts into the sample PDFs used to test PDF ingestion.

python scripts/render_sample_corpus.py [--seeds DIR] [--out corpus/]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # runnable from a checkout without installing the package

from kb.samples import build_sample_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds",
        type=Path,
        default=REPO.parent / "shared" / "seeds",
        help="directory with the NNN_*.txt seed texts (default: ../shared/seeds)",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "corpus", help="output directory (default: corpus/)"
    )
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"seeds directory not found: {args.seeds}", file=sys.stderr)
        return 1
    for pdf in build_sample_corpus(args.out, args.seeds):
        labels = f"{pdf.page_labels[0]}-{pdf.page_labels[-1]}"
        real = sum(pdf.hyphen_real)
        print(
            f"{pdf.path}: {len(pdf.page_labels)} pages (printed {labels}), {len(pdf.papers)} papers, "
            f"{len(pdf.hyphenated)} words broken at line ends ({real} at a real hyphen)"
        )
        for paper in pdf.papers:
            title = paper["title"] or "(fragment of a previous paper)"
            print(f"    pages {paper['first_page']}-{paper['last_page']}: {title[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
