"""Two front-matter steps tested in isolation on GROBID's header corpus (../shared/datasets/grobid-header,
744 papers' front matter tagged in TEI; third-party, never tuned on).

Author lines (`kb.ingest.persons`):
  read        share of the <docAuthor> bylines read wholly as names (any split)
  names       on scripts/data/grobid_names_sample.jsonl — 42 bylines drawn at random (seed 20240607) and
              labelled by hand from the strings alone (family and given names): share of bylines whose
              names all come out right, and share of the labelled names found with the right family name
              and initials
Titles (`kb.ingest.titles`, text only: the TEI keeps no type sizes, so layout cannot help here):
  banners     share of <note type="doctype"> ("Research Article", "Original paper", ...) refused as a title
  titles      share of <titlePart> strings that read as a title and are not taken for a banner
  bylines     share of <docAuthor> strings that would be refused as a title (an author line is no title)
  crossed     share of <titlePart> strings misread as an author line

    python scripts/eval_grobid_header.py [--show]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.ingest.persons import byline_names, parse_person  # noqa: E402
from kb.ingest.titles import is_banner, reads_as_title  # noqa: E402

CORPUS = REPO.parent / "shared" / "datasets" / "grobid-header"
SAMPLE = REPO / "scripts" / "data" / "grobid_names_sample.jsonl"


def _strings(tag: str, attrs: str = "") -> list[str]:
    out = []
    pattern = re.compile(rf"<{tag}{attrs}[^>]*>(.*?)</{tag}>", re.S)
    for path in sorted(CORPUS.glob("*.xml")):
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            text = html.unescape(re.sub(r"<[^>]+>", " ", m.group(1)))
            text = re.sub(r"\s+", " ", text).strip()
            if text:
                out.append(text)
    return out


def _key(family: str, given: str | None) -> tuple[str, str]:
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", given or ""))
    return family.casefold(), initials.casefold()


def names_sample(show: bool) -> tuple[int, int, int, int]:
    bylines = right_bylines = names = right_names = 0
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        gold = [_key(n["family"], n.get("given")) for n in item["names"]]
        got = []
        for printed in byline_names(item["byline"]):
            parsed = parse_person(printed)
            if parsed:
                got.append(_key(parsed["family"], parsed.get("given")))
        bylines += 1
        right_bylines += got == gold
        names += len(gold)
        right_names += sum(1 for g in gold if g in got)
        if show and got != gold:
            print(f"  {item['byline'][:90]!r}\n    gold {gold}\n    kb   {got}")
    return right_bylines, bylines, right_names, names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print the misses")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found")
    authors = _strings("docAuthor")
    doctypes = _strings("note", ' type="doctype"')
    title_parts = _strings("titlePart")
    read = sum(1 for a in authors if byline_names(a))
    rb, nb, rn, nn = names_sample(args.show)
    refused = [d for d in doctypes if is_banner(d) or not reads_as_title(d)]
    accepted = [t for t in title_parts if reads_as_title(t) and not is_banner(t)]
    bylines_refused = sum(1 for a in authors if not reads_as_title(a))
    crossed = sum(1 for t in title_parts if byline_names(t))
    if args.show:
        print("doctype notes taken for a title:", [d for d in doctypes if d not in refused][:40])
        print("titles refused:", [t for t in title_parts if t not in accepted][:40])
    print("| step | measure | figure |\n|---|---|---:|")
    print(f"| author lines | <docAuthor> bylines read wholly as names | {read}/{len(authors)} = {read / len(authors):.1%} |")
    print(f"| author names | hand-labelled sample: bylines all right | {rb}/{nb} = {rb / nb:.1%} |")
    print(f"| author names | hand-labelled sample: names right (family + initials) | {rn}/{nn} = {rn / nn:.1%} |")
    print(f"| banners | doctype notes refused as a title | {len(refused)}/{len(doctypes)} = "
          f"{len(refused) / len(doctypes):.1%} |")
    print(f"| titles | <titlePart> read as a title, not a banner | {len(accepted)}/{len(title_parts)} = "
          f"{len(accepted) / len(title_parts):.1%} |")
    print(f"| titles | <docAuthor> refused as a title | {bylines_refused}/{len(authors)} = "
          f"{bylines_refused / len(authors):.1%} |")
    print(f"| titles | <titlePart> misread as an author line | {crossed}/{len(title_parts)} = "
          f"{crossed / len(title_parts):.1%} |")


if __name__ == "__main__":
    main()
