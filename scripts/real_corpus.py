"""The real third-party PDFs the search and evidence sets are labelled on, and their dev/test split.

The PDFs stay in ../shared/corpus/real (never copied into the project); a knowledge base is
ingested from them with the default embedder, as a user's would be. Queries and recommendations
are split into dev and test by alternating within each kind (query kind; for recommendations
language, cross-lingual or not, supported or not), in file order, so both halves hold every kind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.ingest import pipeline  # noqa: E402
from kb.search import indexing  # noqa: E402
from kb.store import db  # noqa: E402

REAL_DIR = REPO.parent / "shared" / "corpus" / "real"
PAPERS = (
    "ru_vestnik_ssau2012_econ_retail_turnover_ai.pdf", "ru_prikl_inform2006_mgmt_retail_neural_nets.pdf",
    "ru_leti_conf_retail_assortment_word.pdf", "ru_vestnik_ulgtu2016_unity_article_plus_next.pdf",
    "ru_perm_student_conf_cv_bilingual_a5.pdf", "ru_leti_ieeetran_robot_frameworks.pdf",
    "en_acl2020_specter_twocol.pdf", "en_emnlp2004_word_twocol.pdf", "en_seim2017_ru_authors_libreoffice_ieee.pdf",
    "en_ieee_tcsvt1997_twocol_numbered.pdf", "en_arxiv2015_superscript_citations.pdf", "en_plosone2018_wheat_cc_by.pdf",
)


def available() -> bool:
    return all((REAL_DIR / name).exists() for name in PAPERS)


def kind_of(item: dict) -> tuple:
    if "kind" in item:
        return (item["kind"],)
    return (item["lang"], bool(item.get("cross")), bool(item["supports"]))


def halves(items: list[dict]) -> dict[str, list[dict]]:
    """{'dev': [...], 'test': [...]}: the first, third, ... item of each kind is dev, the others test."""
    seen: dict[tuple, int] = {}
    out: dict[str, list[dict]] = {"dev": [], "test": []}
    for item in items:
        k = seen.get(kind_of(item), 0)
        seen[kind_of(item)] = k + 1
        out["dev" if k % 2 == 0 else "test"].append(item)
    return out


def load(*names: str) -> list[dict]:
    out = []
    for name in names:
        path = REPO / "scripts" / "data" / name
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def build_kb(kb_dir: Path, model: str | None = None) -> None:
    """Ingest the real papers (by their paths in ../shared) into kb_dir with embeddings."""
    conn = db.connect(kb_dir)
    embedder = indexing.embedder_for(conn, kb_dir, model)
    report = pipeline.ingest(conn, [REAL_DIR / name for name in PAPERS], on_passages=indexing.passage_hook(embedder))
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")
