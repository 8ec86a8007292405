"""`kb evidence`: supporting quotes with exact pages, across languages, never padded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import cli_json, load_eval_script, run_cli

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval_topics.py"
PILOT_RU = "Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие между партнёрами."
EXPORT_EN = "Exporting SMEs should rely on specialised export platforms for routine operational work."
UNSUPPORTED = "Exporting SMEs should hedge currency risk with forward contracts."


def test_russian_recommendation_finds_english_evidence(sample_kb, volume):
    data = cli_json(sample_kb, "evidence", PILOT_RU)
    (rec,) = data["recommendations"]
    assert rec["found"] and rec["quotes"]
    quote = rec["quotes"][0]
    assert quote["paper"]["lang"] == "en" and re.search("pilot|smaller efforts|manageable", quote["quote"])
    truth = volume.page_of(quote["quote"][:60])
    assert quote["pages"]["first_index"] in truth and quote["pages"]["first"] == volume.page_labels[truth[0]]
    assert rec["supporting_papers"] >= 1 and rec["supporting_passages"] >= len({q["passage_id"] for q in rec["quotes"]})
    assert data["references"] and data["references"][0]["n"] == 1 and quote["ref"] == 1


def test_english_recommendation_finds_russian_evidence(sample_kb):
    rec = cli_json(sample_kb, "evidence", EXPORT_EN)["recommendations"][0]
    assert rec["found"] and any("Мой экспорт" in q["quote"] or "платформ" in q["quote"] for q in rec["quotes"])


def test_unsupported_recommendation_is_not_padded(sample_kb):
    rec = cli_json(sample_kb, "evidence", UNSUPPORTED)["recommendations"][0]
    assert not rec["found"] and rec["quotes"] == [] and rec["strength"] == "No evidence found."


def test_at_most_n_quotes_per_paper(sample_kb):
    rec = cli_json(sample_kb, "evidence", PILOT_RU, "--per-paper", "1", "--min-score", "0.3", "--margin", "1", "-k", "5")[
        "recommendations"][0]
    papers = [q["paper"]["id"] for q in rec["quotes"]]
    assert len(papers) >= 2 and len(papers) == len(set(papers))
    two = cli_json(sample_kb, "evidence", PILOT_RU, "--min-score", "0.3", "--margin", "1", "-k", "5")["recommendations"][0]
    ids = [q["paper"]["id"] for q in two["quotes"]]
    assert len(ids) > len(papers) and max(map(ids.count, ids)) == 2


def test_file_of_recommendations_writes_a_markdown_report(sample_kb, tmp_path):
    recs = tmp_path / "recs.txt"
    recs.write_text(f"# advice for the ministry\n{PILOT_RU}\n\n{EXPORT_EN}\n{UNSUPPORTED}\n", encoding="utf-8")
    out = tmp_path / "report.md"
    result = run_cli(sample_kb, "evidence", "--file", str(recs), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "3 recommendation(s), 2 with evidence" in result.output
    md = out.read_text(encoding="utf-8")
    assert md.count("\n## ") == 4 and "## References" in md and "No evidence found." in md
    recs = md.split("\n## ")[1:3]  # the two with evidence: a table under each quoted paper's heading
    for rec in recs:
        heads = [x for x in rec.splitlines() if x.startswith("| # |")]
        assert heads and len(heads) == rec.count("\n### ")
        assert all(re.fullmatch(r"\| # \| (Quote|Quote \(\w+\) \| Quote \(\w+\)) \| Page \| Strength \|", h) for h in heads)
    table_rows = [x for x in md.splitlines() if re.match(r"\| \d+ \|", x)]
    assert table_rows and all(x.split(" | ")[-1].split(";")[0].rstrip(" |") in ("strong", "partial") for x in table_rows)
    refs = md.split("## References", 1)[1].strip().splitlines()
    assert refs[0].startswith("1. ") and " – " in refs[0]  # GOST areas are separated by ". – "
    cited = {int(n) for n in re.findall(r"^### .*\[(\d+)\]$", md, re.M)}
    assert cited == set(range(1, len(refs) + 1))
    apa = run_cli(sample_kb, "evidence", PILOT_RU, "--style", "apa", "--format", "markdown")
    assert apa.exit_code == 0 and re.search(r"\(\d{4}\)\.", apa.stdout)


def test_evidence_errors_are_one_line(sample_kb, tmp_path):
    missing = run_cli(sample_kb, "evidence")
    assert missing.exit_code != 0 and "RECOMMENDATION" in missing.output
    nokb = run_cli(tmp_path / "nothing", "evidence", PILOT_RU)
    assert nokb.exit_code == 1 and "no knowledge base" in nokb.output and "Traceback" not in nokb.output


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    ev = load_eval_script("eval_topics")
    from kb.search import indexing
    from kb.store import db
    from kb.themes import taxonomy
    from kb.themes.tagger import Tagger

    kb_dir = tmp_path_factory.mktemp("evalkb")
    conn = db.connect(kb_dir)
    tags = ev.eval_tags(Tagger(taxonomy.load(), indexing.embedder_for(conn, kb_dir)), ev.load(ev.THEMES_DEV), False)
    ev.build_kb(kb_dir)
    evidence = ev.eval_evidence(kb_dir, ev.load(ev.EVIDENCE_DEV), False)
    return tags, evidence


def test_dev_sets_are_large_enough():
    units = [json.loads(x) for x in (SCRIPT.parent / "data" / "themes_dev.jsonl").read_text().splitlines() if x]
    recs = [json.loads(x) for x in (SCRIPT.parent / "data" / "evidence_dev.jsonl").read_text().splitlines() if x]
    assert len(units) >= 150 and len(recs) >= 15
    assert {r["lang"] for r in recs} == {"ru", "en"}


def test_pinned_theme_and_evidence_figures(figures):
    """Regression pins just under the measured figures (README); see scripts/eval_topics.py."""
    tags, evidence = figures
    assert tags["macro_f1"] >= 0.74
    assert min(tags["halves"].values()) >= 0.64
    assert evidence["precision_at_5"] >= 0.80
    assert evidence["supported_answered_rate"] >= 0.50
    assert evidence["unsupported_abstained"] == "3/3"
