"""Screenshots of `kb serve` for the README, taken in headless Chromium over the sample corpus.

python scripts/screenshots.py [--kb-dir DIR] [--out docs/screenshots]

Without --kb-dir the three sample PDFs are rendered from the seed texts (../shared/seeds) and
ingested into a temporary knowledge base. Writes search.png (a Russian question answered by
English passages) and evidence.png (the report for two of the sample recommendations), 1200×900.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1200, 900
QUERY = "какие барьеры мешают МСП внедрять цифровые технологии"


def build_kb(kb_dir: Path) -> None:
    """The sample corpus, ingested with embeddings and themes, exactly as the evaluation builds it."""
    import eval_topics

    eval_topics.build_kb(kb_dir)


def chrome():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.implicitly_wait(5)
    return driver


def recommendations(n: int = 2) -> str:
    lines = (REPO / "scripts" / "data" / "sample_recommendations.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join([x for x in lines if x.strip() and not x.startswith("#")][:n])


def shoot(kb_dir: Path, out: Path) -> list[Path]:
    from selenium.webdriver.common.by import By

    from kb.web import create_app
    from kb.web.background import BackgroundServer

    app = create_app(kb_dir)
    if not app.state.service.wait_ready(120):
        raise SystemExit(f"the model did not load: {app.state.service.status()}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with BackgroundServer(app) as url:
        driver = chrome()
        try:
            driver.get(url + "/")
            driver.find_element(By.ID, "q").send_keys(QUERY)
            driver.find_element(By.ID, "go").click()
            driver.find_element(By.CSS_SELECTOR, "li.hit")
            written.append(out / "search.png")
            driver.save_screenshot(str(written[-1]))

            driver.get(url + "/evidence")
            driver.find_element(By.ID, "recs").send_keys(recommendations())
            driver.find_element(By.ID, "find").click()
            driver.find_element(By.ID, "report")
            written.append(out / "evidence.png")
            driver.save_screenshot(str(written[-1]))
        finally:
            driver.quit()
    app.state.service.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb-dir", type=Path, help="An existing knowledge base (default: the sample corpus, built now).")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = ap.parse_args()
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            sys.exit(f"{path} not found (apt-get install chromium chromium-driver)")
    out = args.out.resolve()
    with tempfile.TemporaryDirectory(prefix="kb-shots-") as tmp:
        kb_dir = args.kb_dir.resolve() if args.kb_dir else Path(tmp) / "index"
        if args.kb_dir is None:
            build_kb(kb_dir)
            os.chdir(tmp)  # sources print as pdfs/…, not as a temporary path
        for path in shoot(kb_dir, out):
            print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
