"""`kb serve` in a real headless Chromium: ask in Russian, read English hits with citations, open a
paper and its PDF at the cited page, download a BibTeX file. Skipped without chromium/chromedriver."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import bibtexparser
import httpx
import pytest

from kb.web import create_app
from kb.web.background import BackgroundServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
RU_QUERY = "какие барьеры мешают МСП внедрять цифровые технологии"


def _require_browser() -> None:
    pytest.importorskip("selenium")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            pytest.skip(f"{path} not installed")


@pytest.fixture(scope="module")
def server(sample_kb):
    _require_browser()
    app = create_app(sample_kb)
    assert app.state.service.wait_ready(120), app.state.service.status()
    with BackgroundServer(app) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    _require_browser()
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(tmp_path),
                                           "download.prompt_for_download": False})
    try:
        driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    except WebDriverException as exc:
        pytest.skip(f"chromium could not start: {exc.msg}")
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _wait_for_file(folder: Path, pattern: str, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {pattern} downloaded into {folder}: {list(folder.iterdir())}")


def test_search_paper_pdf_and_bibtex_in_a_browser(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    assert browser.find_element(By.ID, "model-status").text == "model ready"
    browser.find_element(By.ID, "q").send_keys(RU_QUERY)
    browser.find_element(By.ID, "go").click()
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) >= 5
    english = [h for h in hits if h.get_attribute("data-lang") == "en"]
    assert len(english) >= 3
    first = english[0]
    gost = first.find_element(By.CSS_SELECTOR, ".cite-gost")
    assert gost.is_displayed() and gost.text.startswith("Zhou X., Aliakseyeva A.") and "2025" in gost.text
    browser.find_element(By.CSS_SELECTOR, "input[name=style][value=apa]").click()  # switched in place
    apa = first.find_element(By.CSS_SELECTOR, ".cite-apa")
    assert apa.is_displayed() and apa.text.startswith("Zhou, X., & Aliakseyeva, A. (2025).")
    assert not gost.is_displayed()
    browser.save_screenshot(str(tmp_path / "search.png"))
    assert (tmp_path / "search.png").stat().st_size > 10_000

    pdf_href = first.find_element(By.CSS_SELECTOR, "a.pdf").get_attribute("href")
    assert "#page=" in pdf_href and "/files/" in pdf_href
    paper_href = first.find_element(By.CSS_SELECTOR, "a.paper").get_attribute("href")
    browser.get(paper_href)
    assert browser.find_element(By.ID, "paper-title").text.strip()
    assert browser.find_elements(By.CSS_SELECTOR, "ol.passages > li")
    assert browser.find_elements(By.CSS_SELECTOR, "ol.refs > li")

    browser.get(pdf_href)
    assert "#page=" in browser.current_url
    r = httpx.get(pdf_href.split("#")[0])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")

    browser.get(server + "/bib")
    Select(browser.find_element(By.ID, "format")).select_by_value("bibtex")
    n_papers = len(browser.find_elements(By.CSS_SELECTOR, "input[name=paper]:checked"))
    browser.find_element(By.ID, "download").click()
    bib = _wait_for_file(tmp_path, "*.bib")
    lib = bibtexparser.parse_string(bib.read_text(encoding="utf-8"))
    assert not lib.failed_blocks
    assert len(lib.entries) == n_papers > 0
    assert any("Zhou" in e["author"] for e in lib.entries)


def test_evidence_in_a_browser(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/evidence")
    browser.find_element(By.ID, "recs").send_keys(
        "Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие.")
    browser.find_element(By.ID, "find").click()
    report = browser.find_element(By.ID, "report")
    assert "Supported by" in report.text
    assert "Initiate collaboration with pilot projects" in report.text
    assert browser.find_element(By.ID, "download-docx").is_displayed()
