"""OCR of image-only pages through PyMuPDF's Tesseract support, when Tesseract is installed."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pymupdf

from kb.ingest.model import Line

OCR_LANGUAGES = "rus+eng"
OCR_DPI = 200


@functools.cache
def tessdata_dir() -> str | None:
    """Tesseract's language data folder with Russian and English, or None."""
    candidates = []
    if os.environ.get("TESSDATA_PREFIX"):
        candidates.append(os.environ["TESSDATA_PREFIX"])
    try:
        found = pymupdf.get_tessdata()
        if found:
            candidates.append(found)
    except Exception:
        pass
    candidates += [str(p) for p in sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"))]
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for folder in candidates:
        if Path(folder, "rus.traineddata").exists() and Path(folder, "eng.traineddata").exists():
            return folder
    return None


def available() -> bool:
    return tessdata_dir() is not None and shutil.which("tesseract") is not None


def unavailable_message(n_pages: int) -> str:
    return (f"{n_pages} page(s) are images without a text layer and were skipped; to OCR them install "
            "Tesseract with Russian and English data (Debian/Ubuntu: apt-get install tesseract-ocr "
            "tesseract-ocr-rus) and ingest again with --force")


def ocr_page_lines(page: pymupdf.Page, index: int) -> list[Line] | None:
    """Lines recognised on the page image, or None when OCR is not available or fails."""
    folder = tessdata_dir()
    if folder is None:
        return None
    try:
        tp = page.get_textpage_ocr(language=OCR_LANGUAGES, dpi=OCR_DPI, full=True, tessdata=folder)
        data = page.get_text("dict", textpage=tp)
    except Exception:
        return None
    lines: list[Line] = []
    for block in data["blocks"]:
        for ln in block.get("lines", []):
            text = " ".join(s["text"].strip() for s in ln["spans"] if s["text"].strip())
            if text:
                x0, y0, x1, y1 = ln["bbox"]
                size = max(s["size"] for s in ln["spans"])
                lines.append(Line(text, x0, y0, x1, y1, round(size, 1), False, index))
    return lines or None
