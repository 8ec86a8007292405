"""Shared fixtures: PDFs rendered from the seed texts, and the real PDFs beside the checkout."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import samples
from kb.cli import cli

REPO = Path(__file__).resolve().parent.parent
REAL_DIR = REPO.parent / "shared" / "corpus" / "real"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def seeds() -> dict[str, list[samples.Paper]]:
    path = samples.seeds_dir()
    if path is None:
        pytest.skip("seed texts (../shared/seeds) not found")
    return {f.name[:3]: samples.parse_seed(f.read_text(encoding="utf-8")) for f in sorted(path.glob("*.txt"))}


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def volume(seeds, pdf_dir) -> samples.RenderedPdf:
    """Single-column proceedings: a leading fragment and three papers, pages from 143."""
    papers = seeds["000"] + seeds["001"][1:]
    return samples.render_proceedings(papers, pdf_dir / "volume.pdf", first_page=143)


@pytest.fixture(scope="session")
def journal(seeds, pdf_dir) -> samples.RenderedPdf:
    """Two-column journal article from page 173, labels carried by the PDF itself."""
    return samples.render_two_column(seeds["002"], pdf_dir / "journal.pdf", first_page=173)


@pytest.fixture(scope="session")
def journal_no_labels(seeds, pdf_dir) -> samples.RenderedPdf:
    return samples.render_two_column(seeds["002"], pdf_dir / "journal_nolabels.pdf", first_page=173,
                                     page_labels_in_pdf=False)


@pytest.fixture
def real_pdfs() -> list[Path]:
    if not REAL_DIR.is_dir():
        pytest.skip("real PDFs (../shared/corpus/real) not found")
    return sorted(REAL_DIR.glob("*.pdf"))


def run_cli(kb_dir: Path, *args: str):
    """Invoke `kb --kb-dir KB_DIR ARGS...` in-process."""
    return CliRunner().invoke(cli, ["--kb-dir", str(kb_dir), *args])


def cli_json(kb_dir: Path, *args: str):
    """Run a command with --json and return the parsed output, failing on a non-zero exit."""
    result = run_cli(kb_dir, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def make_sample_kb(tmp_path_factory, volume, journal) -> Path:
    """A knowledge base holding the rendered proceedings volume and the two-column article."""
    kb = tmp_path_factory.mktemp("kb")
    folder = tmp_path_factory.mktemp("in")
    shutil.copy(volume.path, folder / "volume.pdf")
    shutil.copy(journal.path, folder / "journal.pdf")
    result = run_cli(kb, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    return kb


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory, volume, journal) -> Path:
    """Shared, read-only: tests that change a knowledge base build their own with make_sample_kb."""
    return make_sample_kb(tmp_path_factory, volume, journal)


def load_eval_script(name: str):
    """scripts/<name>.py as a module, for tests that pin its figures; skips without the seed texts."""
    if samples.seeds_dir() is None:
        pytest.skip("seed texts (../shared/seeds) not found")
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
