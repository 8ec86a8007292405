"""Themes: the taxonomy file, cue matching, tags at ingest, `kb topics`, `kb search --topic`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import cli_json, make_sample_kb, run_cli

from kb.errors import KbError
from kb.themes import cues, taxonomy

REQUIRED_THEMES = {
    "challenge.financial", "challenge.skills", "challenge.technology", "challenge.change", "challenge.security",
    "challenge.infrastructure", "challenge.regulatory", "coop.tech_partnership", "coop.shared_platforms",
    "coop.knowledge_exchange", "coop.networks", "coop.joint_procurement", "coop.shared_equipment",
    "coop.government_support", "recommendations", "internationalization", "outcomes",
}

ONE_THEME = """
[[theme]]
id = "money"
label_ru = "Деньги"
label_en = "Money"
description_ru = "Финансы, бюджеты и стоимость."
description_en = "Finance, budgets and cost."
cues_en = ["budget", "cost"]
cues_ru = ["бюджет", "стоимость"]
"""


def test_default_taxonomy_covers_the_field_in_both_languages():
    tax = taxonomy.load()
    assert REQUIRED_THEMES <= set(tax.ids)
    for t in tax.themes:
        assert t.label_ru and t.label_en and t.description_ru and t.description_en
        assert t.cues_ru and t.cues_en and t.examples_ru and t.examples_en
        assert any("а" <= ch <= "я" for ch in t.label_ru.lower())
    assert tax.background


@pytest.mark.parametrize("text, message", [
    ("not toml = = 1", "not valid TOML"),
    ("[[theme]]\nid = 'x'\nlabel_en = 'X'", "missing label_ru"),
    (ONE_THEME + ONE_THEME, "duplicate id 'money'"),
    (ONE_THEME.replace('["budget", "cost"]', '["re:(unclosed"]'), "re:(unclosed"),
    ("title = 'no themes'", "no [[theme]] entries"),
])
def test_bad_taxonomy_is_one_clear_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KbError) as err:
        taxonomy.load(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_kb_directory_file_replaces_the_default(tmp_path):
    (tmp_path / "themes.toml").write_text(ONE_THEME, encoding="utf-8")
    assert taxonomy.load(kb_dir=tmp_path).ids == ["money"]
    assert "challenge.financial" in taxonomy.load(kb_dir=tmp_path / "elsewhere").ids


def test_resolve_by_id_suffix_and_label():
    tax = taxonomy.load()
    assert tax.resolve("financial").id == "challenge.financial"
    assert tax.resolve("Финансовые ограничения").id == "challenge.financial"
    assert tax.resolve("coop.networks").id == "coop.networks"
    with pytest.raises(KbError, match="unknown theme"):
        tax.resolve("astrology")


@pytest.mark.parametrize("cue, text, hit", [
    ("высокая стоимость", "Стоимость оборудования остаётся высокой для малых фирм.", True),
    ("высокая стоимость", "Высокая квалификация персонала снижает стоимость ошибок в дальнейшем и далее.", False),
    ("increased by", "Awareness is increasing while adoption trails behind.", False),
    ("increased by", "Participation increased sharply by 40 points.", True),
    ("lack of funds", "The main barrier is the lack of own funds.", True),
    ("re:\\d+(?:[.,]\\d+)?\\s?%", "rates rose from 22 % to 65 %", True),
])
def test_cues_match_stems_within_a_window(cue, text, hit):
    assert bool(cues.matched([cues.compile_cue(cue)], text)) is hit


def test_imperative_cue_of_recommendations():
    rec = taxonomy.load().get("recommendations")
    compiled = [cues.compile_cue(c) for c in rec.cues]
    assert rec.requires_cue
    assert cues.matched(compiled, "Formalize Key Aspects. Even in informal partnerships, document the agreements.")
    assert cues.matched(compiled, "Precisely define your specific digitalization aims.")
    assert cues.matched(compiled, "МСП рекомендуется уделить особое внимание оценке рисков.")
    assert not cues.matched(compiled, "Рамочные рекомендации служат своего рода методическим навигатором.")
    assert not cues.matched(compiled, "Use of cloud services grew among small firms.")


def _tags(kb: Path) -> dict[int, dict[str, float]]:
    conn = sqlite3.connect(kb / "kb.sqlite")
    out: dict[int, dict[str, float]] = {}
    for pid, theme, score in conn.execute("SELECT passage_id, theme, score FROM passage_themes"):
        out.setdefault(pid, {})[theme] = score
    return out


def _texts(kb: Path) -> dict[int, str]:
    conn = sqlite3.connect(kb / "kb.sqlite")
    return dict(conn.execute("SELECT id, text FROM passages"))


def test_passages_are_tagged_at_ingest_with_scores(sample_kb):
    tags, texts = _tags(sample_kb), _texts(sample_kb)
    assert set(tags) < set(texts), "some passages have no theme"
    assert any(len(t) > 1 for t in tags.values()), "a passage may have several themes"
    intl = [texts[pid] for pid, t in tags.items() if "internationalization" in t]
    assert intl and all("рын" in x or "экспорт" in x or "интернационализ" in x for x in intl)
    fin = [texts[pid] for pid, t in tags.items() if "challenge.financial" in t]
    assert fin and all(any(w in x.lower() for w in ("cost", "budget", "financ", "invest", "roi", "стоимост", "финанс")) for x in fin)


def test_topics_counts_passages_and_papers(sample_kb):
    rows = {r["id"]: r for r in cli_json(sample_kb, "topics")}
    assert REQUIRED_THEMES <= set(rows)
    tags = _tags(sample_kb)
    for theme, row in rows.items():
        assert row["passages"] == sum(theme in t for t in tags.values())
        assert row["papers"] <= row["passages"]
    assert rows["internationalization"]["papers"] >= 1 and rows["challenge.financial"]["passages"] >= 1
    text = run_cli(sample_kb, "topics", "--lang", "ru")
    assert text.exit_code == 0 and "Финансовые ограничения" in text.stdout and "passage(s) have no theme" in text.stdout


def test_topics_show_gives_strongest_cited_passages(sample_kb):
    hits = cli_json(sample_kb, "topics", "show", "financial", "-k", "3")
    tags = _tags(sample_kb)
    tagged = sum("challenge.financial" in t for t in tags.values())
    assert tagged >= 1 and len(hits) == min(3, tagged)
    scores = [tags[h["id"]]["challenge.financial"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(h["citation"] and h["pages"]["first"].isdigit() for h in hits)
    bad = run_cli(sample_kb, "topics", "show", "astrology")
    assert bad.exit_code == 1 and "unknown theme 'astrology'" in bad.output


def test_search_topic_filter(sample_kb):
    tags = _tags(sample_kb)
    hits = cli_json(sample_kb, "search", "барьеры цифровизации", "--topic", "financial", "--topic", "skills", "-k", "20")
    assert hits and all({"challenge.financial", "challenge.skills"} & set(tags[h["id"]]) for h in hits)
    assert len(hits) == sum(bool({"challenge.financial", "challenge.skills"} & set(t)) for t in tags.values())
    bad = run_cli(sample_kb, "search", "x", "--topic", "astrology")
    assert bad.exit_code == 1 and "unknown theme" in bad.output and "Traceback" not in bad.output


def test_retag_with_the_users_taxonomy(tmp_path_factory, volume, journal, tmp_path):
    kb = make_sample_kb(tmp_path_factory, volume, journal)
    mine = tmp_path / "mine.toml"
    mine.write_text(ONE_THEME, encoding="utf-8")
    result = run_cli(kb, "topics", "--themes", str(mine), "--retag")
    assert result.exit_code == 0, result.output
    rows = json.loads(run_cli(kb, "topics", "--themes", str(mine), "--json").stdout)
    assert [r["id"] for r in rows] == ["money"] and rows[0]["passages"] > 0
    assert set().union(*_tags(kb).values()) == {"money"}
    stale = run_cli(kb, "topics")  # the default taxonomy is not what the tags were made with
    assert "run `kb topics --retag`" in stale.output
    # the same file in the KB directory is picked up by ingest, which re-tags when it changed
    shutil.copy(mine, kb / "themes.toml")
    assert "money" in {r["id"] for r in cli_json(kb, "topics")}
    (kb / "themes.toml").unlink()
    folder = tmp_path / "again"
    folder.mkdir()
    shutil.copy(volume.path, folder / "v.pdf")
    result = run_cli(kb, "ingest", str(folder))
    assert result.exit_code == 0 and "re-tagged" in result.output
    assert "challenge.financial" in set().union(*_tags(kb).values())


@pytest.mark.parametrize("which", ["volume", "journal"])
def test_passage_sentences_know_their_own_page(which, request):
    """Quotes in evidence reports are cited with their sentence's page, not the passage's range."""
    from kb.ingest import segment
    from kb.ingest.chunk import chunk_paper
    from kb.ingest.extract import extract

    rendered = request.getfixturevalue(which)
    checked = wrong = spanning = 0
    for paper in segment.split_papers(extract(rendered.path)):
        for p in chunk_paper(paper):
            spanning += p.first_page != p.last_page
            for start, end in p.sentences:
                sentence = p.text[start:end]
                truth = rendered.page_of(sentence[:60]) if len(sentence) >= 40 else None
                if not truth:
                    continue
                checked += 1
                wrong += p.pages_of(start, end)[0] not in truth
    assert checked > 30 and spanning >= 1
    assert wrong == 0, f"{wrong} of {checked} sentences got the wrong page"
