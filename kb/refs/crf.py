"""The learned reference-field labeller: a linear-chain CRF (python-crfsuite) over the tokens of
one entry. The model file ships in the package (`kb/data/ref_crf.model`, built by
`scripts/train_ref_model.py`) and is loaded once per process, on first use; `KB_REF_MODEL`
names another model file (to compare models).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from kb.errors import KbError
from kb.refs.tokens import Token, features, tokenise

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "ref_crf.model"


class ModelMissing(KbError):
    """The shipped model file is gone; the message says how to rebuild it."""


@lru_cache(maxsize=4)
def _tagger(path: str):
    import pycrfsuite  # a compiled module: imported only when a reference is parsed

    if not Path(path).is_file():
        raise ModelMissing(f"reference model not found: {path}; rebuild it with "
                           f"`python scripts/train_ref_model.py`")
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(path)
    except (OSError, ValueError) as exc:
        raise ModelMissing(f"reference model unreadable: {path} ({exc}); rebuild it with "
                           f"`python scripts/train_ref_model.py`") from exc
    return tagger


def rule_hints(text: str, tokens: list[Token], ref=None) -> tuple[list[str], str]:
    """What the hand-written rules read each token as (`ref`: their parse of text, made here when
    not given), and the style they recognised."""
    from kb.refs.align import align, token_labels
    from kb.refs.parse import parse_rules

    ref = ref if ref is not None else parse_rules(text)
    if not ref.parsed_ok:
        return ["-"] * len(tokens), "none"
    return token_labels(tokens, align(text, ref.fields(), strict=False) or [], "-"), ref.style or "none"


def label(text: str, rules=None, model: Path | None = None) -> tuple[list[Token], list[str]]:
    """Tokens of text and the model's label for each; `rules` is the rules' parse of text."""
    tokens = tokenise(text)
    if not tokens:
        return [], []
    tagger = _tagger(str(model or os.environ.get("KB_REF_MODEL") or MODEL_PATH))
    hints, style = rule_hints(text, tokens, rules)
    return tokens, tagger.tag(features(tokens, text, hints, style))
