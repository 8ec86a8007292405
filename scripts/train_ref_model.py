"""Build the reference-field model that kb ships (kb/data/ref_crf.model).

Training data (scripts/ref_data.py, scripts/ref_synth.py): GROBID's citation corpus without its
evaluation split, AnyStyle's core/good/ugly/bad sets (gold.xml held out), kb's own labelled dev
entries (refs_dev.jsonl, weighted up: the only real GOST entries), and records typeset through
GOST and other CSL styles. `--extra-weight N` adds the labelled entries of the gold_extra/ papers
(`--without-extra-half` leaves half of those PDFs out, to measure on them); off by default, since
models trained so measured worse on the half they did not see than the shipped model. Nothing of refs_holdout.jsonl, of the real test PDFs, of GROBID's
evaluation files or of AnyStyle's gold set is used.

    python scripts/train_ref_model.py [--synth 6000] [--iterations 150] [--out PATH]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import pycrfsuite  # noqa: E402
import ref_data as rd  # noqa: E402

from kb.refs.align import token_labels as align_labels  # noqa: E402
from kb.refs.crf import MODEL_PATH, rule_hints  # noqa: E402
from kb.refs.tokens import _MARKERS, features, tokenise  # noqa: E402

_EDGE_PUNCT = set(".,;:")
_NUMBER_MARKS = {"vol", "no", "pp"}  # 'Vol.', '№', 'pp.' before a number are not part of it
_QUOTES = set("«»“”„\"'‘’")


def token_labels(ex: rd.Example) -> tuple[list, list[str]]:
    """Tokens of the example and one label each; separators at the edges of a field are O, so
    every source draws field boundaries the same way."""
    tokens = tokenise(ex.raw)
    labels = align_labels(tokens, ex.spans)
    i = 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and labels[j + 1] == labels[i]:
            j += 1
        if labels[i] != "O":
            run = list(range(i, j + 1))
            text = [tokens[k].text for k in run]
            while run and (text[0] in _EDGE_PUNCT or text[0] in _QUOTES or
                           (text[0] == "(" and ")" not in text) or text[0] == ")"):
                labels[run[0]] = "O"
                run, text = run[1:], text[1:]
            if labels[i] in ("volume", "issue", "pages"):
                while run and (_MARKERS.get(text[0].lower()) in _NUMBER_MARKS or text[0] in _EDGE_PUNCT):
                    labels[run[0]] = "O"
                    run, text = run[1:], text[1:]
            while run and (text[-1] in _EDGE_PUNCT or text[-1] in _QUOTES or
                           (text[-1] == ")" and "(" not in text) or text[-1] == "("):
                labels[run[-1]] = "O"
                run, text = run[:-1], text[:-1]
        i = j + 1
    return tokens, labels


def kb_half(ex: rd.Example) -> str:
    """Halves of kb's dev entries by source document ('written' entries by id), for checking
    choices on entries the model did not see."""
    key = ex.meta.get("id", "") if ex.source == "kb:written" else ex.source
    return "a" if zlib.crc32(key.encode()) % 2 == 0 else "b"


def training_examples(n_synth: int, n_gost: int, kb_weight: int, without_half: str | None = None,
                      extra_weight: int = 0, without_extra_half: str | None = None) -> list[rd.Example]:
    from ref_synth import gost_examples, synth_examples

    kb_rows, failed = rd.kb_examples("refs_dev.jsonl")
    if without_half:
        kb_rows = [ex for ex in kb_rows if kb_half(ex) != without_half]
    extra_rows, extra_failed = rd.extra_examples(without_extra_half) if extra_weight else ([], 0)
    if extra_weight:
        print(f"  extra: {len(extra_rows)} entries x {extra_weight} ({extra_failed} could not be aligned)")
    sets = {
        "extra": extra_rows * extra_weight,
        "grobid": rd.grobid_examples("train"),
        "anystyle": rd.anystyle_examples(("core.xml", "good.xml", "ugly.xml", "bad.xml")),
        "kb": kb_rows * kb_weight,
        "synth": synth_examples(n_synth) if n_synth else [],
        "gost": gost_examples(n_gost) if n_gost else [],
    }
    for name, rows in sets.items():
        print(f"  {name}: {len(rows)} sequences" + (f" ({failed} kb entries could not be aligned)"
                                                     if name == "kb" else ""))
    return [ex for rows in sets.values() for ex in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synth", type=int, default=6000)
    ap.add_argument("--gost", type=int, default=4000)
    ap.add_argument("--kb-weight", type=int, default=5)
    ap.add_argument("--without-half", choices=["a", "b"], help="leave this half of kb's dev entries out")
    ap.add_argument("--extra-weight", type=int, default=0, help="copies of the gold_extra/ entries (default 0: none)")
    ap.add_argument("--without-extra-half", choices=["a", "b"], help="leave this half of the gold_extra/ PDFs out")
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    t0 = time.time()
    examples = training_examples(args.synth, args.gost, args.kb_weight, args.without_half, args.extra_weight,
                                 args.without_extra_half)
    random.Random(1).shuffle(examples)
    trainer = pycrfsuite.Trainer(verbose=False)
    counts: Counter = Counter()
    for ex in examples:
        tokens, labels = token_labels(ex)
        if tokens:
            hints, style = rule_hints(ex.raw, tokens)
            trainer.append(features(tokens, ex.raw, hints, style), labels)
            counts.update(labels)
    print(f"{len(examples)} sequences, {sum(counts.values())} tokens, features in {time.time() - t0:.0f} s")
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True, "feature.minfreq": 2})
    t1 = time.time()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    print(f"trained in {time.time() - t1:.0f} s -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
