"""Hostile and broken input: each file costs one error line naming it, in bounded time and
memory, and the good file beside it still goes in."""

from __future__ import annotations

import re
import shutil
import time
import zlib
from pathlib import Path

import pymupdf
import pytest
from conftest import cli_json, run_cli

from kb import samples


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct xref table from raw objects (numbered from 1; object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zero_pages() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def flate_bomb(megabytes: int = 768) -> bytes:
    """One page whose content stream inflates from ~1 MB to `megabytes` MB of spaces."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(megabytes)) + comp.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", stream])


def deep_nesting(depth: int = 200_000) -> bytes:
    """A page whose resources hold an array nested `depth` levels deep."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X "
                 + b"[" * depth + b"]" * depth + b" >> >>"])


def deep_page_tree(depth: int = 50_000) -> bytes:
    """A page tree where every node has one child: recursion bait for a reader."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(depth):
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 %s>>" % (i + 3, b"/Parent %d 0 R " % (i + 1) if i else b""))
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return _pdf(objs)


def corrupt_xref(src: Path) -> bytes:
    """The file with every xref offset pointing nowhere (readers must rebuild or refuse)."""
    data = Path(src).read_bytes()
    start = data.rfind(b"\nxref")
    damaged = re.sub(rb"startxref\s+\d+", b"startxref\n999999", data) if start < 0 else \
        data[:start] + re.sub(rb"\d{10} (\d{5}) n", rb"9999999999 \1 n", data[start:])
    assert damaged != data
    return damaged


def variant(src: Path) -> bytes:
    """The same PDF with a trailing comment: same text, another file (another hash)."""
    return Path(src).read_bytes() + b"\n% another copy\n"


def many_pages(path: Path, n: int) -> Path:
    doc = pymupdf.open()
    for i in range(n):
        doc.new_page().insert_text((72, 72), f"Page {i + 1} of a very long document about exports.")
    doc.save(path)
    return path


def owner_password_only(src: Path, path: Path) -> Path:
    """Encrypted with an owner password only: anyone may open and read it."""
    doc = pymupdf.open(src)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="",
             permissions=pymupdf.PDF_PERM_PRINT)
    return path


def _ingest_with(tmp_path: Path, journal, name: str, content: bytes | Path | None, *extra: str):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    shutil.copy(journal.path, folder / "good.pdf")
    bad = folder / name
    if isinstance(content, Path):
        shutil.copy(content, bad)
    elif content is not None:
        bad.write_bytes(content)
    kb = tmp_path / "kb"
    started = time.monotonic()
    result = run_cli(kb, "ingest", str(folder), "--no-embed", *extra)
    return result, kb, bad, time.monotonic() - started


def _assert_one_error(result, kb: Path, bad: Path, reason: str) -> None:
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert result.exit_code == 1, result.output
    assert len(errors) == 1 and str(bad) in errors[0], result.output
    assert re.search(reason, errors[0]), errors[0]
    assert "Traceback" not in result.output
    papers = cli_json(kb, "papers")
    assert papers and all(p["source"].endswith("good.pdf") for p in papers)


@pytest.mark.parametrize("name, make, reason", [
    ("zero.pdf", lambda tmp, src: b"", r"empty file \(0 bytes\)"),
    ("no_pages.pdf", lambda tmp, src: zero_pages(), r"no pages"),
    ("truncated.pdf", lambda tmp, src: samples.truncate_pdf(src, tmp / "t.pdf", 0.5), r"truncated|corrupt"),
    ("locked.pdf", lambda tmp, src: samples.encrypt_pdf(src, tmp / "e.pdf"), r"encrypted PDF: needs a password"),
    ("fake.pdf", lambda tmp, src: b"<html>not a pdf</html>", r"not a PDF"),
    ("binary.txt", lambda tmp, src: bytes(range(256)) * 64, r"binary data, not text"),
])
def test_unreadable_file_is_one_error_line(tmp_path, journal, name, make, reason):
    result, kb, bad, _ = _ingest_with(tmp_path, journal, name, make(tmp_path, journal.path))
    _assert_one_error(result, kb, bad, reason)


def test_too_many_pages_is_refused_by_a_configurable_limit(tmp_path, journal):
    long = many_pages(tmp_path / "long.pdf", 60)
    result, kb, bad, _ = _ingest_with(tmp_path, journal, "long.pdf", long, "--max-pages", "50")
    _assert_one_error(result, kb, bad, r"60 pages, more than the limit of 50 \(--max-pages\)")


def test_image_only_pages_without_ocr(tmp_path, journal):
    scan = samples.render_image_only(journal.path, tmp_path / "scan.pdf", pages=[0])
    result, kb, bad, _ = _ingest_with(tmp_path, journal, "scan.pdf", scan, "--no-ocr")
    _assert_one_error(result, kb, bad, r"no text found")


@pytest.mark.parametrize("name, make", [
    ("bomb.pdf", lambda: flate_bomb(768)),
    ("nested.pdf", lambda: deep_nesting()),
    ("tree.pdf", lambda: deep_page_tree()),
])
def test_pdf_bombs_cost_bounded_time_and_memory(tmp_path, journal, name, make):
    result, kb, bad, seconds = _ingest_with(tmp_path, journal, name, make(),
                                            "--max-seconds", "20", "--max-memory", "512")
    assert seconds < 60 and "Traceback" not in result.output
    assert any(p["source"].endswith("good.pdf") for p in cli_json(kb, "papers"))
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    # a reader may refuse the file or read its (empty) page; either way only this file is affected
    assert all(str(bad) in e for e in errors)
    assert errors or "2 file(s) ingested" in result.output or "1 file(s) ingested" in result.output


def test_a_reader_that_hangs_is_stopped(tmp_path, journal, monkeypatch):
    from kb.ingest import pipeline

    real = pipeline.extract

    def slow(path, **kw):
        if path.name == "slow.pdf":
            time.sleep(60)
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract", slow)
    result, kb, bad, seconds = _ingest_with(tmp_path, journal, "slow.pdf", variant(journal.path), "--max-seconds", "2")
    assert seconds < 30
    _assert_one_error(result, kb, bad, r"took longer than 2 s to read \(limit: --max-seconds\)")


def test_a_reader_that_crashes_is_reported(tmp_path, journal, monkeypatch):
    import os
    import signal

    from kb.ingest import pipeline

    real = pipeline.extract

    def crash(path, **kw):
        if path.name == "crash.pdf":
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract", crash)
    result, kb, bad, _ = _ingest_with(tmp_path, journal, "crash.pdf", variant(journal.path))
    _assert_one_error(result, kb, bad, r"the PDF reader crashed on this file \(SIGSEGV\)")


def test_memory_limit_turns_into_an_error(tmp_path, journal, monkeypatch):
    from kb.ingest import pipeline

    real = pipeline.extract

    def greedy(path, **kw):
        if path.name == "greedy.pdf":
            hog = [bytearray(64 << 20) for _ in range(64)]  # 4 GB
            return hog
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract", greedy)
    result, kb, bad, _ = _ingest_with(tmp_path, journal, "greedy.pdf", variant(journal.path), "--max-memory", "256")
    _assert_one_error(result, kb, bad, r"needs more than 256 MB of memory to read \(limit: --max-memory\)")


def test_corrupt_xref_is_repaired_or_refused(tmp_path, journal):
    result, kb, bad, _ = _ingest_with(tmp_path, journal, "xref.pdf", corrupt_xref(journal.path))
    assert "Traceback" not in result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    if errors:
        _assert_one_error(result, kb, bad, r"corrupt|truncated")
    else:  # MuPDF rebuilt the cross-reference table: the same papers come out of both files
        assert result.exit_code == 0
        papers = cli_json(kb, "papers")
        good = sorted(p["title"] for p in papers if p["source"].endswith("good.pdf"))
        assert good and sorted(p["title"] for p in papers if p["source"].endswith("xref.pdf")) == good


def test_owner_password_only_pdf_is_read(tmp_path, journal):
    locked = owner_password_only(journal.path, tmp_path / "owner.pdf")
    result, kb, _, _ = _ingest_with(tmp_path, journal, "owner.pdf", locked)
    assert result.exit_code == 0, result.output
    sources = {p["source"].rsplit("/", 1)[-1] for p in cli_json(kb, "papers")}
    assert sources == {"good.pdf", "owner.pdf"}


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r", "utf-16", "utf-8-sig"])
def test_text_files_in_other_encodings(tmp_path, journal, codec):
    text = ("Малые и средние предприятия внедряют цифровые технологии медленнее крупных компаний, "
            "потому что им не хватает средств и специалистов.\n\nВторой абзац о кооперации и платформах.")
    result, kb, bad, _ = _ingest_with(tmp_path, journal, f"note_{codec}.txt", text.encode(codec))
    assert result.exit_code == 0, result.output
    paper = next(p for p in cli_json(kb, "papers") if p["source"].endswith(bad.name))
    shown = cli_json(kb, "show", str(paper["id"]), "--passages")
    assert "цифровые технологии" in json_text(shown)


def json_text(data) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)
