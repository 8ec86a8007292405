"""The evidence report's layout (Markdown, text, JSON, DOCX) over hand-built evidence, and the
`kb evidence` DOCX path: quotes grouped by paper, a column per language, the aspect lines."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import docx
import pytest
from conftest import run_cli

from kb import library
from kb.evidence import report
from kb.evidence.docx_report import build, write_docx
from kb.evidence.find import Aspect, Evidence, Quote
from kb.store import db

PILOT_RU = "Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие между партнёрами."
EN_A = "Firms that started with small pilot projects reported higher trust after two years."
EN_B = "Pilot cooperation lowered the cost of failure and let partners learn each other's routines."
RU_A = "Малые предприятия, начавшие с пилотных проектов, чаще продолжали сотрудничество."


@pytest.fixture
def conn(tmp_path) -> sqlite3.Connection:
    """A knowledge base of two papers (Russian, English) with printed page labels."""
    c = db.connect(tmp_path / "kb")
    for fid, (path, first) in enumerate((("ru.pdf", 11), ("en.pdf", 143)), 1):
        c.execute("INSERT INTO files(id, path, sha256, size, n_pages, ingested_at) VALUES (?, ?, ?, 1, 6, 'now')",
                  (fid, path, path))
        c.executemany("INSERT INTO pages(file_id, idx, label) VALUES (?, ?, ?)",
                      [(fid, i, str(first + i)) for i in range(6)])
    c.execute("INSERT INTO papers(id, file_id, seq, title, authors, year, lang, page_first, page_last)"
              " VALUES (1, 1, 0, 'Кооперация малых предприятий', ?, 2024, 'ru', 0, 5)",
              (json.dumps(["И. С. Петрова", "А. В. Иванов"], ensure_ascii=False),))
    c.execute("INSERT INTO papers(id, file_id, seq, title, authors, year, lang, page_first, page_last)"
              " VALUES (2, 2, 0, 'Pilot projects and trust among SMEs', ?, 2025, 'en', 0, 5)",
              (json.dumps(["Wei Zhou", "Anna Smith"]),))
    return c


def _quote(conn, paper_id: int, text: str, first: str, last: str, lang: str, strength: str = "partial",
           matched: list[str] | None = None) -> Quote:
    paper = library.paper_briefs(conn, {paper_id})[paper_id]
    return Quote(text, 0.7, paper_id * 100, paper, {"first": first, "last": last}, strength, matched or [], lang)


@pytest.fixture
def mixed(conn) -> Evidence:
    """English quotes from Zhou (first and third) around a Russian one from Petrova."""
    quotes = [_quote(conn, 2, EN_A, "145", "145", "en", "strong", ["pilot", "trust"]),
              _quote(conn, 1, RU_A, "12", "12", "ru", "partial", ["пилотных", "проектов"]),
              _quote(conn, 2, EN_B, "146", "147", "en")]
    aspects = [Aspect("начинать с небольших пилотных проектов", 2, 0.71),
               Aspect("постепенно наращивать доверие", None, 0.40)]
    return Evidence(PILOT_RU, quotes, 4, 2, 6, aspects)


def _rows(md: str) -> list[list[str]]:
    return [[c.strip() for c in x.strip("|").split(" | ")] for x in md.splitlines() if re.match(r"\| \d+ \|", x)]


def test_groups_number_quotes_in_the_order_shown(mixed):
    found, number = report.groups(mixed)
    assert [g.paper["id"] for g in found] == [2, 1]
    assert [[n for n, _ in g.quotes] for g in found] == [[1, 2], [3]]
    assert number == {0: 1, 2: 2, 1: 3}
    assert report.languages(mixed) == ["ru", "en"]


def test_markdown_groups_quotes_by_paper_with_a_column_per_language(conn, mixed):
    md = report.markdown(conn, [mixed])
    zhou, petrova = md.index("### Zhou et al., 2025 [1]"), md.index("### Петрова и др., 2024 [2]")
    assert zhou < petrova < md.index("## References")
    assert "*Pilot projects and trust among SMEs*" in md[zhou:petrova]
    assert EN_A in md[zhou:petrova] and EN_B in md[zhou:petrova] and RU_A in md[petrova:]
    assert md.count("| # | Quote (ru) | Quote (en) | Page | Strength |") == 2
    rows = {r[0]: r for r in _rows(md)}
    assert rows["1"] == ["1", "", EN_A, "145", "strong; matched: pilot, trust"]
    assert rows["2"] == ["2", "", EN_B, "146–147", "partial"]
    assert rows["3"] == ["3", RU_A, "", "12", "partial; matched: пилотных, проектов"]


def test_markdown_aspect_lines_name_the_quote_as_shown(conn, mixed):
    md = report.markdown(conn, [mixed])
    block = md.split("**Aspects:**", 1)[1].split("###", 1)[0]
    assert "- начинать с небольших пилотных проектов — supported (quote #2)" in block
    assert "- постепенно наращивать доверие — no support found" in block
    assert md.index("**Strength:** Supported by 2 papers (4 passages, 6 sentences") < md.index("**Aspects:**")


def test_one_language_one_quote_column_and_no_aspects_block(conn):
    e = Evidence("Use pilots.", [_quote(conn, 2, EN_A, "145", "145", "en")], 1, 1, 1)
    md = report.markdown(conn, [e])
    assert "| # | Quote | Page | Strength |" in md and "Quote (en)" not in md and "Aspects" not in md
    assert _rows(md) == [["1", EN_A, "145", "partial"]]
    assert "[en]" not in report.text(conn, [e])


def test_text_marks_languages_when_they_mix(conn, mixed):
    out = report.text(conn, [mixed])
    assert out.index("Zhou et al., 2025 [1]. Pilot projects and trust among SMEs") \
        < out.index("Петрова и др., 2024 [2]. Кооперация малых предприятий")
    assert "#1 [en] “Firms that started" in out and "#3 [ru] “Малые предприятия" in out
    assert "p. 146–147; partial" in out and "p. 145; strong; matched: pilot, trust" in out
    assert "- постепенно наращивать доверие — no support found" in out
    refs = out.split("References\n", 1)[1].splitlines()
    assert len(refs) == 2 and refs[0].startswith("1. Zhou") and refs[1].startswith("2. Петрова")


def test_no_evidence_has_no_table(conn):
    e = Evidence("Hedge currency risk.", [], 0, 0, aspects=[Aspect("hedge currency risk", None)])
    md = report.markdown(conn, [e])
    assert "No evidence found." in md and "| #" not in md and "## References" not in md
    assert "hedge currency risk — no support found" in md


def test_json_keeps_everything_with_source_and_ref(conn, mixed):
    data = report.as_json(conn, [mixed], "apa")
    (rec,) = data["recommendations"]
    assert [q["ref"] for q in rec["quotes"]] == [1, 2, 1]
    assert rec["quotes"][1]["source"] == "Петрова и др., 2024 [2]" and rec["quotes"][1]["lang"] == "ru"
    assert rec["quotes"][0]["matched"] == ["pilot", "trust"] and rec["quotes"][0]["strength"] == "strong"
    assert [a["found"] for a in rec["aspects"]] == [True, False]
    assert [r["n"] for r in data["references"]] == [1, 2] and "(2025)" in data["references"][0]["text"]


def _docx_text(document) -> tuple[list[str], list[list[list[str]]]]:
    return [p.text for p in document.paragraphs], [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]


def test_docx_has_the_same_content(conn, mixed, tmp_path):
    path = tmp_path / "report.docx"
    single = Evidence("Use pilots.", [_quote(conn, 2, EN_B, "146", "146", "en")], 1, 1, 1)
    write_docx(conn, [mixed, single], path, "gost")
    paras, tables = _docx_text(docx.Document(str(path)))
    assert f"1. {PILOT_RU}" in paras and "2. Use pilots." in paras
    assert any(p.startswith("Strength: Supported by 2 papers") for p in paras)
    assert "начинать с небольших пилотных проектов — supported (quote #2)" in paras
    assert "постепенно наращивать доверие — no support found" in paras
    assert len(tables) == 2
    head, group, q1, q2, group2, q3 = tables[0]
    assert head == ["#", "Quote (ru)", "Quote (en)", "Source", "Page", "Strength"]
    assert set(group) == {"Zhou et al., 2025 [1]. Pilot projects and trust among SMEs"}  # merged across the row
    assert q1 == ["1", "", EN_A, "Zhou et al., 2025 [1]", "145", "strong; matched: pilot, trust"]
    assert q2[2] == EN_B and q2[4] == "146–147"
    assert group2[0].startswith("Петрова и др., 2024 [2]") and q3[:3] == ["3", RU_A, ""] and q3[4] == "12"
    assert tables[1][0] == ["#", "Quote", "Source", "Page", "Strength"]
    refs = paras[paras.index("References") + 1:]
    assert len(refs) == 2 and refs[0].startswith("1. Zhou") and " – " in refs[0] and refs[1].startswith("2. Петрова")
    assert [p.style.name for p in docx.Document(str(path)).paragraphs if "support" in p.text] == ["List Bullet"] * 2


def test_docx_without_quotes_has_no_table(conn):
    document = build(conn, [Evidence("Hedge currency risk.", [], 0, 0)])
    paras, tables = _docx_text(document)
    assert tables == [] and "Strength: No evidence found." in paras and "References" not in paras


# --- kb evidence --format docx ------------------------------------------------------------------

def test_cli_docx_by_suffix(sample_kb, tmp_path):
    out = tmp_path / "report.docx"
    result = run_cli(sample_kb, "evidence", PILOT_RU, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"report written to {out}" in result.output
    paras, tables = _docx_text(docx.Document(str(out)))
    assert paras[0] == "Evidence report" and f"1. {PILOT_RU}" in paras and "References" in paras
    (table,) = tables
    assert table[0][0] == "#" and table[0][-3:] == ["Source", "Page", "Strength"]
    quotes = [r for r in table[1:] if r[0].isdigit()]
    assert quotes and all(re.search(r"\[\d+\]$", r[-3]) and r[-2] and r[-1].split(";")[0] in ("strong", "partial")
                          for r in quotes)
    data = json.loads(run_cli(sample_kb, "evidence", PILOT_RU, "--json").stdout)
    expected = {" ".join(q["quote"].split()) for q in data["recommendations"][0]["quotes"]}
    assert {next(c for c in r[1:-3] if c) for r in quotes} == expected


def test_cli_docx_usage_and_write_errors(sample_kb, tmp_path):
    bare = run_cli(sample_kb, "evidence", PILOT_RU, "--format", "docx")
    assert bare.exit_code == 2 and "--format docx needs -o FILE.docx" in bare.output and "Traceback" not in bare.output
    both = run_cli(sample_kb, "evidence", PILOT_RU, "--format", "docx", "-o", str(tmp_path / "r.docx"), "--json")
    assert both.exit_code == 2 and "exclude each other" in both.output
    missing = tmp_path / "no" / "such" / "dir" / "report.docx"
    failed = run_cli(sample_kb, "evidence", PILOT_RU, "--format", "docx", "-o", str(missing))
    assert failed.exit_code == 1 and failed.output.strip().count("\n") == 0
    assert f"kb: {missing}: cannot write report: No such file or directory" in failed.output
    assert not missing.exists()


def test_cli_explicit_docx_format_ignores_the_suffix(sample_kb, tmp_path):
    out = tmp_path / "report.bin"
    result = run_cli(sample_kb, "evidence", PILOT_RU, "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK" and docx.Document(str(out)).tables


def test_markdown_suffix_still_picks_markdown(sample_kb, tmp_path):
    out = tmp_path / "r.md"
    assert run_cli(sample_kb, "evidence", PILOT_RU, "-o", str(out)).exit_code == 0
    assert Path(out).read_text(encoding="utf-8").startswith("# Evidence report")
