"""One bibliography entry (raw text) -> fields: by the hand-written rules (kb.refs.rules), by the
shipped CRF model (kb.refs.crf reads the tokens, kb.refs.fields makes fields of its labels), or by
the two combined, the model's fields with the identifiers the rules read better. parse_reference is
what the rest of kb calls (the splitter, the store); parse_rules, FIELDS, METHODS and Reference are
here for the scripts and tests."""

from __future__ import annotations

from kb.refs.identifiers import take_identifiers
from kb.refs.kinds import infer_type
from kb.refs.reference import FIELDS, MAX_LEN, Reference
from kb.refs.rules import DITTO as _DITTO
from kb.refs.rules import checked, entry_text, parse_rules
from kb.refs.rules.recognise import recognise

# --- the model, and the model with the rules that beat it ------------------------------------------

# Fields the rules read better than the model on the dev sets (kb's dev entries the model did not
# see, GROBID's dev files; scripts/eval_refs.py): a DOI and an access date have fixed printed
# forms, so the rules' reading stands even when it is "none". URLs the model reads as well or
# better (it keeps 'https: //' that PDF text breaks). Style and type come from the rules'
# recognisers, fed the model's fields.
RULE_FIELDS = ("doi", "accessed")
METHODS = ("combined", "model", "rules")


def _model_fields(text: str, rules: Reference) -> dict:
    from kb.refs import crf
    from kb.refs import fields as fl

    tokens, labels = crf.label(text, rules)
    return fl.from_spans(fl.spans(tokens, fl.editors_marked(tokens, labels), text))


def parse_reference(raw: str, previous: Reference | None = None, method: str = "combined") -> Reference:
    """Parse one entry: 'rules' (the hand-written parsers), 'model' (the shipped CRF, which sees the
    rules' reading of each token as a feature) or 'combined' (the model's fields with the rules'
    identifiers, and an IEEE '———' taking the authors of `previous`, the entry above it)."""
    rules = parse_rules(raw, previous)
    if method == "rules" or not raw or not raw.strip() or len(raw) > MAX_LEN:
        return rules
    text = entry_text(raw)
    got = _model_fields(text, rules)
    ref = Reference(raw=raw, style=rules.style,
                    **{f: got.get(f) or ([] if f == "authors" else None) for f in FIELDS if f != "type"})
    if method == "combined":
        for f in RULE_FIELDS:
            setattr(ref, f, getattr(rules, f))
        if _DITTO.match(text):
            ref.authors = list(previous.authors) if previous else []
    ref = checked(ref)
    if not ref.parsed_ok:
        return ref
    s = take_identifiers(text, Reference(raw=raw))
    ref.type = infer_type(ref, s, recognise(s)[0])
    return ref
