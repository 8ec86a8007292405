"""The learned reference parser: tokens, alignment, the shipped model and the combined parse."""

from __future__ import annotations

import pytest

from kb.refs import crf
from kb.refs.align import align, find, token_labels
from kb.refs.fields import from_spans, persons
from kb.refs.parse import METHODS, parse_reference
from kb.refs.tokens import features, tokenise


def test_tokens_keep_offsets_and_urls_whole():
    text = "Ivanov I. Title // J. – 2020. – URL: https://ex.org/a_b/c.html (дата обращения: 01.02.2020)."
    tokens = tokenise(text)
    assert all(text[t.start:t.end] == t.text for t in tokens)
    assert "https://ex.org/a_b/c.html" in [t.text for t in tokens]
    assert "//" in [t.text for t in tokens]
    doi = tokenise("DOI: 10.1007/s11573-023-01152-w.")
    assert [t.text for t in doi] == ["DOI", ":", "10.1007/s11573-023-01152-w", "."]


def test_features_see_neighbours_and_rules():
    text = "Петрова И. С. Название // Вестник. 2024. № 3. С. 45–58."
    tokens = tokenise(text)
    hints = ["x"] * len(tokens)
    f = features(tokens, text, hints, "gost2008")
    year = next(i for i, t in enumerate(tokens) if t.text == "2024")
    assert "kind:year" in f[year] and "seen:01000" in f[year]  # '//' seen before the year, no year yet
    assert {"-1:w:<edge>", "-2:w:<edge>", "rule:x", "rule|style:x|gost2008", "bias"} <= set(f[0])
    initial = next(i for i, t in enumerate(tokens) if t.text == "И")
    assert "init_next:dot" in f[initial] and "1:w:." in f[initial]


def test_find_folds_case_dashes_and_spaces():
    raw = "Морозова, И. В. Трудовые  ресурсы — рост // Журнал «Экономика». 2021. С. 45-52."
    assert raw[slice(*find(raw, "трудовые ресурсы - рост", []))] == "Трудовые  ресурсы — рост"
    assert raw[slice(*find(raw, "45–52", []))] == "45-52"
    assert find(raw, "45–52", [(70, 80)]) is None  # overlaps a span already taken


def test_align_labels_every_field_or_refuses():
    raw = "Морозова, И. В. Трудовые ресурсы // Журнал «Экономика и управление». 2021. № 4. С. 45–52."
    fields = {"authors": ["Морозова И. В."], "title": "Трудовые ресурсы", "container": "Экономика и управление",
              "year": "2021", "issue": "4", "pages": "45–52"}
    spans = align(raw, fields)
    got = {lab: raw[s:e] for s, e, lab in spans}
    assert got == {"author": "Морозова, И. В.", "title": "Трудовые ресурсы", "container": "Экономика и управление",
                   "date": "2021", "issue": "4", "pages": "45–52"}
    assert align(raw, {**fields, "title": "Другое название"}) is None
    loose = align(raw, {**fields, "title": "Другое название"}, strict=False)
    assert "title" not in {lab for _, _, lab in loose}
    tokens = tokenise(raw)
    labels = token_labels(tokens, spans)
    assert labels[tokens.index(next(t for t in tokens if t.text == "Журнал"))] == "O"


def test_fields_from_labelled_runs():
    out = from_spans([("author", "Kreuter, M., Costabel, U., ... & Maher, T.M."), ("date", "(2016)."),
                      ("title", "Effects [Text]"), ("container", "«Thorax»"), ("volume", "Vol. 5"),
                      ("issue", "(2)"), ("pages", "pp. 10 - 20"), ("url", "https://doi.org/10.1000/x")])
    assert out["authors"] == ["Kreuter M.", "Costabel U.", "Maher T. M."]
    assert (out["year"], out["title"], out["container"]) == ("2016", "Effects", "Thorax")
    assert (out["volume"], out["issue"], out["pages"]) == ("5", "2", "10–20")
    assert out["doi"] == "10.1000/x" and out["url"] is None  # a DOI link is a DOI
    assert persons("Росстат") == ["Росстат"]


@pytest.mark.parametrize("method", [m for m in METHODS if m != "rules"])
def test_the_model_reads_a_physics_entry(method):
    """A shape the rules were never written for (they are measured, not pinned, on such entries)."""
    ref = parse_reference("C. J. Hamer, Nucl. Phys. B 195, 503 (1982).", None, method)
    assert ref.parsed_ok
    assert (ref.authors, ref.container, ref.volume, ref.pages, ref.year) == (
        ["Hamer C. J."], "Nucl. Phys. B", "195", "503", "1982")


def test_combined_keeps_rules_identifiers_and_ditto():
    first = parse_reference("S. Hochreiter and J. Schmidhuber, “Long short-term memory,” Neural Comput., vol. 9, "
                            "no. 8, pp. 1735–1780, 1997.")
    assert first.authors == ["Hochreiter S.", "Schmidhuber J."] and first.pages == "1735–1780"
    ditto = parse_reference("———, “Another paper,” Neural Comput., vol. 10, pp. 1–5, 1998.", first)
    assert ditto.authors == first.authors
    web = parse_reference("Росстат. Малое предпринимательство. – URL: https://rosstat.gov.ru/folder/210 "
                          "(дата обращения: 15.01.2024).")
    assert web.url == "https://rosstat.gov.ru/folder/210" and web.accessed == "15.01.2024"


def test_no_reference_no_invented_fields():
    for junk in ("", "   ", "Таблица 3 – Результаты", "%%%% @@@@ ####", "x" * 4000):
        ref = parse_reference(junk)
        assert not ref.parsed_ok
        assert ref.title is None and ref.authors == [] and ref.year is None


def test_missing_model_is_one_line_with_the_fix(tmp_path, monkeypatch):
    crf._tagger.cache_clear()
    monkeypatch.setenv("KB_REF_MODEL", str(tmp_path / "gone.model"))
    with pytest.raises(crf.ModelMissing) as err:
        crf.label("Ivanov I. Title. 2020.")
    assert "scripts/train_ref_model.py" in str(err.value) and "\n" not in str(err.value)
    (tmp_path / "bad.model").write_bytes(b"not a model")
    monkeypatch.setenv("KB_REF_MODEL", str(tmp_path / "bad.model"))
    with pytest.raises(crf.ModelMissing):
        crf.label("Ivanov I. Title. 2020.")
    crf._tagger.cache_clear()


def test_shipped_model_is_small_and_loaded_once():
    assert crf.MODEL_PATH.is_file() and crf.MODEL_PATH.stat().st_size < 8_000_000
    crf._tagger.cache_clear()
    parse_reference("Ivanov I. I. Title // Journal. 2020. № 1. С. 1–2.")
    parse_reference("Petrov P. Other title // Journal. 2021. № 2. С. 3–4.")
    assert crf._tagger.cache_info().misses == 1


def test_names_without_an_editor_word_are_authors():
    from kb.refs.fields import editors_marked
    toks = tokenise("Colin Kelly and Anna Korhonen. 2012. Title.")
    labels = ["editor"] * 5 + ["O", "date", "O", "title", "O"]
    assert editors_marked(toks, labels)[:5] == ["author"] * 5
    toks = tokenise("In: Colin Kelly, ed. Book.")
    labels = ["O", "O", "editor", "editor", "O", "O", "O", "container", "O"]
    assert editors_marked(toks, labels) == labels


def test_container_loses_the_word_in():
    got = from_spans([("author", "A. Smith"), ("title", "T"), ("container", "In In Proc. of ICML’02")])
    assert got["container"] == "Proc. of ICML’02"
    assert from_spans([("container", "In Vivo")])["container"] == "In Vivo"

