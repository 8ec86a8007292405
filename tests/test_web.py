"""`kb serve`: every page over the sample knowledge base, downloads, and hostile requests."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
import threading

import bibtexparser
import pytest
import rispy
from conftest import cli_json
from starlette.testclient import TestClient

from kb.web import create_app

RU_QUERY = "какие барьеры мешают МСП внедрять цифровые технологии"
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def app(sample_kb):
    app = create_app(sample_kb)
    assert app.state.service.wait_ready(120), app.state.service.status()
    yield app
    app.state.service.close()


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def ids(sample_kb):
    conn = sqlite3.connect(sample_kb / "kb.sqlite")
    out = {"file": conn.execute("SELECT id FROM files WHERE path LIKE '%.pdf' ORDER BY id").fetchone()[0],
           "papers": [r[0] for r in conn.execute("SELECT id FROM papers WHERE title IS NOT NULL ORDER BY id")],
           "en_paper": conn.execute("SELECT id FROM papers WHERE lang = 'en' AND title IS NOT NULL").fetchone()[0],
           "work": conn.execute("SELECT min(id) FROM works").fetchone()[0],
           "max_file": conn.execute("SELECT max(id) FROM files").fetchone()[0]}
    conn.close()
    return out


def hits(html: str) -> list[str]:
    """The HTML of each hit (up to the next one)."""
    return html.split('<li class="hit"')[1:]


def test_every_page_renders(client, ids):
    pages = {"/": "Search", "/papers": "Papers", f"/papers/{ids['en_paper']}": "References",
             "/evidence": "Recommendations, one per line", "/bib": "Cited works", "/topics": "Passages per theme",
             "/topics/challenge.financial": "Financial constraints", f"/search?q={RU_QUERY}": "passage"}
    for url, text in pages.items():
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:200])
        assert r.headers["content-type"].startswith("text/html")
        assert text in r.text, url
        assert "default-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert "data-style-switch" in client.get("/static/app.js").text
    assert client.get("/status").json()["model"] == "ready"


def test_russian_question_finds_english_passages_with_citations(client):
    r = client.get("/search", params={"q": RU_QUERY, "k": 5})
    assert r.status_code == 200
    found = hits(r.text)
    assert len(found) == 5
    english = [h for h in found if 'data-lang="en"' in h]
    assert len(english) >= 3, "a Russian question should reach the English papers"
    top = english[0]
    assert re.search(r'class="cite cite-gost">Zhou X\., Aliakseyeva A\. .+ – 2025\. – P\. \d+', top)
    assert re.search(r'class="cite cite-apa">Zhou, X\., &amp; Aliakseyeva, A\. \(2025\)', top)
    assert re.search(r'href="/files/\d+\.pdf#page=\d+"', top)
    assert re.search(r"p\. \d+", top)
    assert "hybrid" in r.text and "model is still loading" not in r.text


def test_highlight_escapes_before_marking(client):
    r = client.get("/search", params={"q": "digital cooperation <script>alert(1)</script>", "mode": "lexical"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text  # the query, echoed in the box
    assert re.search(r"<mark>(?:digital|Digital|cooperation|Cooperation)</mark>", r.text)


def test_filters_and_style(client):
    r = client.get("/search", params={"q": "cooperation", "lang": "ru", "mode": "lexical"})
    assert all('data-lang="ru"' in h for h in hits(r.text))
    r = client.get("/search", params={"q": "digitalization", "year_from": 2030, "year_to": 2031})
    assert hits(r.text) == [] and "No passages found." in r.text
    r = client.get("/search", params={"q": "digitalization", "author": "Zhou", "style": "apa"})
    assert hits(r.text) and 'data-style="apa"' in r.text
    assert all("Zhou" in h for h in hits(r.text))
    r = client.get("/search", params={"q": "digitalization", "topic": "financial", "mode": "dense"})
    assert r.status_code == 200 and hits(r.text)


def test_paper_page_has_metadata_passages_and_references(client, ids):
    r = client.get(f"/papers/{ids['en_paper']}")
    assert "SMART COOPERATION" in r.text or "DIGITALIZATION" in r.text
    assert "ZHOU Xinghong" in r.text
    assert r.text.count('<li id="passage-') >= 2
    assert re.search(r'<ol class="refs">\s*<li', r.text), "the English paper has a reference list"
    assert re.search(r'href="/files/\d+\.pdf#page=\d+"', r.text)


def test_paper_page_lists_other_citing_papers(sample_kb, tmp_path):
    """Two papers citing the same work: each paper page names the other."""
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(sample_kb, kb)
    conn = sqlite3.connect(kb / "kb.sqlite")
    a, b = [r[0] for r in conn.execute("SELECT DISTINCT r.paper_id FROM refs r JOIN papers p ON p.id = r.paper_id "
                                            "WHERE p.title IS NOT NULL ORDER BY r.paper_id LIMIT 2")]
    work = conn.execute("SELECT work_id FROM refs WHERE paper_id = ? AND work_id IS NOT NULL", (a,)).fetchone()[0]
    conn.execute("UPDATE refs SET work_id = ? WHERE id = (SELECT min(id) FROM refs WHERE paper_id = ?)", (work, b))
    conn.commit()
    title_b = conn.execute("SELECT title FROM papers WHERE id = ?", (b,)).fetchone()[0]
    conn.close()
    local = create_app(kb, load_model=False)
    try:
        r = TestClient(local, base_url=BASE).get(f"/papers/{a}")
        assert "Also cited by:" in r.text
        assert f'href="/papers/{b}"' in r.text and title_b.split()[0] in r.text
    finally:
        local.state.service.close()


def test_pdf_route(client, ids):
    r = client.get(f"/files/{ids['file']}.pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"].startswith("inline")
    for bad in (f"/files/{ids['max_file'] + 1}.pdf", "/files/999999.pdf", "/files/1.txt", "/files/abc.pdf"):
        assert client.get(bad).status_code == 404, bad


def test_evidence_page_and_downloads(client):
    recs = ("Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие.\n"
            "# a comment line\n\n"
            "SMEs should join industry associations or clusters to share digital know-how.")
    r = client.post("/evidence", data={"recs": recs, "style": "gost"})
    assert r.status_code == 200
    assert r.text.count('<section class="rec">') == 2
    assert "Strength:" in r.text and "Supported by" in r.text
    assert "Initiate collaboration with pilot projects" in r.text
    assert "<h2>References</h2>" in r.text
    assert re.search(r'href="/files/\d+\.pdf#page=\d+"', r.text)

    md = client.post("/evidence/download", data={"recs": recs, "style": "gost", "format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert 'filename="evidence-report.md"' in md.headers["content-disposition"]
    assert md.text.startswith("# Evidence report") and "## References" in md.text

    js = client.post("/evidence/download", data={"recs": recs, "style": "apa", "format": "json"})
    assert js.headers["content-type"] == "application/json"
    data = json.loads(js.content)
    assert data["style"] == "apa" and len(data["recommendations"]) == 2
    assert data["recommendations"][0]["quotes"] and data["references"]

    dx = client.post("/evidence/download", data={"recs": recs, "format": "docx"})
    assert dx.headers["content-type"] == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    from docx import Document

    doc = Document(io.BytesIO(dx.content))
    assert any("Evidence report" in p.text for p in doc.paragraphs)
    assert doc.tables


def test_bibliography_downloads(client, ids):
    chosen = {"paper": [str(p) for p in ids["papers"][:3]], "work": [str(ids["work"])]}
    expected = {"gost": "text/plain", "apa": "text/plain", "bibtex": "application/x-bibtex",
                "ris": "application/x-research-info-systems", "csl-json": "application/vnd.citationstyles.csl+json"}
    out = {}
    for fmt, media in expected.items():
        r = client.post("/bib/download", data={**chosen, "format": fmt})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(media), fmt
        assert r.headers["content-disposition"].startswith("attachment")
        out[fmt] = r.text
    lib = bibtexparser.parse_string(out["bibtex"])
    assert not lib.failed_blocks
    assert len(lib.entries) == 4
    assert any("Zhou" in e["author"] for e in lib.entries)
    assert len(rispy.loads(out["ris"])) == 4
    assert len(json.loads(out["csl-json"])) == 4
    assert out["gost"].startswith("1. ") and out["gost"].count("\n") == 4
    r = client.get("/bib/download", params={"format": "bibtex", "paper": ids["papers"][0], "with_cited": "1"})
    assert len(bibtexparser.parse_string(r.text).entries) > 1


def test_topics_chart(client, sample_kb):
    r = client.get("/topics")
    assert r.text.count("<svg") == 3
    assert 'id="chart-themes"' in r.text and "<rect" in r.text
    for t in cli_json(sample_kb, "topics"):  # the bars say what `kb topics` counts
        assert f"{t['label_en']} / {t['label_ru']}: {t['passages']} passages in {t['papers']} papers" in r.text
    assert re.search(r"— 2025: \d+ passages in \d+ papers", r.text)


HOSTILE = [
    ("get", "/files/..%2F..%2Fetc%2Fpasswd", 400),
    ("get", "/files/%2e%2e%2fkb.sqlite", 400),
    ("get", "/static/..%2F..%2Fpyproject.toml", 400),
    ("get", "/papers/..%2F1", 400),
    ("get", "/search?q=..%2F..%2Fetc%2Fpasswd", 400),
    ("get", "/search?q=a&lang=..%2F..", 400),
    ("get", "/search?q=abc%00def", 400),
    ("get", "/papers/1%00", 400),
    ("get", "/search?q=" + "x" * 2500, 400),
    ("get", "/search?q=" + "x" * 20000, 414),
    ("get", "/search?q=a&k=abc", 400),
    ("get", "/search?q=a&k=-1", 400),
    ("get", "/search?q=a&k=99999999999999999999", 400),
    ("get", "/search?q=a&year_from=20x0", 400),
    ("get", "/search?q=a&year_from=2025&year_to=2020", 400),
    ("get", "/search?q=a&mode=nonsense", 400),
    ("get", "/search?q=a&style=../../x", 400),
    ("get", "/search?q=a&topic=no-such-theme", 400),
    ("get", "/papers/abc", 400),
    ("get", "/papers/999999", 404),
    ("get", "/papers/1e3", 400),
    ("get", "/topics/no-such-theme", 404),
    ("get", "/files/abc.pdf", 404),
    ("get", "/files/12345678901234567890.pdf", 404),
    ("get", "/no/such/page", 404),
    ("get", "/bib/download?format=bibtex", 400),
    ("get", "/bib/download?format=bibtex&paper=abc", 400),
    ("get", "/bib/download?format=bibtex&paper=999999", 404),
    ("get", "/bib/download?format=exe&paper=1", 400),
    ("post", "/evidence", 400),
    ("delete", "/papers/1", 405),
]


@pytest.mark.parametrize(("method", "url", "status"), HOSTILE)
def test_hostile_requests_get_4xx_and_the_server_keeps_serving(client, method, url, status):
    r = client.request(method, url)
    assert r.status_code == status, (url, r.text[:200])
    assert "Traceback" not in r.text and "File \"" not in r.text
    assert len(r.text.strip().splitlines()) == 1, r.text
    assert client.get("/search", params={"q": "cooperation", "mode": "lexical"}).status_code == 200


def test_hostile_forms(client):
    huge = client.post("/evidence", data={"recs": "x" * 600_000})
    assert huge.status_code == 413
    many = client.post("/evidence", data={"recs": "\n".join(f"recommendation {i}" for i in range(30))})
    assert many.status_code == 400 and "at most 20" in many.text
    long = client.post("/evidence", data={"recs": "y" * 2500})
    assert long.status_code == 400
    nul = client.post("/evidence", data={"recs": "a\x00b"})
    assert nul.status_code == 400
    fields = client.post("/bib/download", data={"format": "gost", "paper": ["1"] * 6000})
    assert fields.status_code == 400
    cross = client.post("/evidence", data={"recs": "pilot projects"}, headers={"origin": "http://evil.example"})
    assert cross.status_code == 403
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/").status_code == 200


def test_browser_errors_are_a_page_with_one_line(client):
    r = client.get("/papers/999999", headers={"accept": "text/html"})
    assert r.status_code == 404
    assert re.search(r'<p id="error" class="error">404: no paper with id 999999</p>', r.text)


def test_lexical_while_the_model_loads(sample_kb):
    gate = threading.Event()

    def slow_loader(service):
        from kb.web.service import default_loader

        gate.wait(60)
        return default_loader(service)

    app = create_app(sample_kb, loader=slow_loader)
    try:
        c = TestClient(app, base_url=BASE)
        r = c.get("/search", params={"q": "cooperation between SMEs"})
        assert r.status_code == 200
        assert "The language model is still loading" in r.text
        assert "lexical" in r.text and hits(r.text)
        assert c.get("/status").json()["model"] == "loading"
        assert c.post("/evidence", data={"recs": "pilot projects"}).status_code == 503
        gate.set()
        assert app.state.service.wait_ready(120)
        r = c.get("/search", params={"q": RU_QUERY})
        assert "still loading" not in r.text and any('data-lang="en"' in h for h in hits(r.text))
    finally:
        gate.set()
        app.state.service.close()


def test_a_missing_knowledge_base_is_one_error(tmp_path):
    from kb.errors import StoreError

    with pytest.raises(StoreError, match="no knowledge base"):
        create_app(tmp_path / "none")


def test_cli_search_does_not_import_starlette():
    code = "import sys, kb.cli; sys.exit(1 if 'starlette' in sys.modules or 'kb.web' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_highlight_unit():
    from kb.web.highlight import highlight

    out = str(highlight('<b onclick="x()">Digital</b> tools & "cooperation"', "digital cooperation"))
    assert out == ('&lt;b onclick=&#34;x()&#34;&gt;<mark>Digital</mark>&lt;/b&gt; tools &amp; '
                   '&#34;<mark>cooperation</mark>&#34;')
    assert str(highlight("a < b", "")) == "a &lt; b"


def test_an_ingest_while_serving_is_seen_by_the_next_search(sample_kb, tmp_path):
    import shutil

    from conftest import run_cli

    kb = tmp_path / "kb"
    shutil.copytree(sample_kb, kb)
    note = tmp_path / "lighthouse.txt"
    note.write_text("Lighthouse keepers and coastal beacons\n\nLighthouse keepers maintained the coastal beacons "
                    "every night, trimming the wicks and cleaning the lenses so that ships could find the harbour "
                    "safely in storms and fog.\n", encoding="utf-8")
    app = create_app(kb)
    try:
        assert app.state.service.wait_ready(120)
        c = TestClient(app, base_url=BASE)
        query = {"q": "смотрители маяков", "mode": "dense", "k": 3}
        assert "Lighthouse keepers maintained" not in c.get("/search", params=query).text
        assert run_cli(kb, "ingest", str(note)).exit_code == 0
        assert "Lighthouse keepers maintained" in c.get("/search", params=query).text
    finally:
        app.state.service.close()


def test_without_the_model_search_is_lexical_and_says_why(sample_kb):
    def broken(service):
        raise RuntimeError("no model here")

    app = create_app(sample_kb, loader=broken)
    try:
        assert not app.state.service.wait_ready(30)
        c = TestClient(app, base_url=BASE)
        assert c.get("/status").json() == {"model": "unavailable", "message": "no model here"}
        r = c.get("/search", params={"q": "cooperation", "mode": "hybrid"})
        assert r.status_code == 200 and hits(r.text)
        assert "not available, so search is lexical" in r.text and "model unavailable" in r.text
        assert c.post("/evidence", data={"recs": "pilot projects"}).status_code == 503
    finally:
        app.state.service.close()


def test_serve_command_errors_are_one_line(tmp_path):
    from conftest import run_cli

    from kb.web.background import free_port

    result = run_cli(tmp_path / "none", "serve", "--port", str(free_port()))
    assert result.exit_code == 1
    assert result.output.strip().startswith("kb: no knowledge base at")
    assert run_cli(tmp_path, "serve", "--port", "0").exit_code == 2  # outside 1..65535
