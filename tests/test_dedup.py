"""One paper, several sources (kb/dedup): copies grouped at ingest, shown once, split by hand."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pymupdf
import pytest
from conftest import cli_json, run_cli

from kb.dedup import groups, keys, minhash
from kb.store import db


def ok(kb: Path, *args: str) -> str:
    result = run_cli(kb, *args)
    assert result.exit_code == 0, result.output
    return result.output


def papers(kb: Path) -> list[dict]:
    return cli_json(kb, "papers")


def real_papers(kb: Path, source: str) -> list[dict]:
    return [p for p in papers(kb) if p["source"].endswith(source) and not p["fragment"] and p["n_passages"]]


def extract(src: Path, first: int, last: int, out: Path) -> Path:
    with pymupdf.open(src) as doc, pymupdf.open() as new:
        new.insert_pdf(doc, from_page=first, to_page=last)
        new.save(out)
    return out


def with_cover(src: Path, out: Path) -> Path:
    with pymupdf.open(src) as doc, pymupdf.open() as new:
        page = new.new_page(width=doc[0].rect.width, height=doc[0].rect.height)
        page.insert_text((60, 100), "Downloaded from the institutional repository", fontsize=12)
        new.insert_pdf(doc)
        new.save(out)
    return out


@pytest.fixture
def grouped_kb(tmp_path, volume) -> tuple[Path, Path, dict, Path]:
    """The volume, then its last paper cut out into its own PDF: (kb, input dir, volume paper, copy)."""
    kb, folder = tmp_path / "kb", tmp_path / "in"
    folder.mkdir()
    shutil.copy(volume.path, folder / "volume.pdf")
    ok(kb, "ingest", "--no-embed", str(folder / "volume.pdf"))
    cited = {r["paper_id"] for r in cli_json(kb, "refs") if r["work_id"]}
    target = [p for p in real_papers(kb, "volume.pdf") if p["id"] in cited][-1]  # one with a reference list
    copy = extract(folder / "volume.pdf", target["pages"]["first_index"], target["pages"]["last_index"],
                   folder / "alone.pdf")
    ok(kb, "ingest", "--no-embed", str(copy))
    return kb, folder, target, copy


def test_extracted_paper_is_grouped_with_its_copy_in_the_volume(grouped_kb):
    kb, _, target, _ = grouped_kb
    by_id = {p["id"]: p for p in papers(kb)}
    alone = [p for p in real_papers(kb, "alone.pdf") if p["title"] == target["title"]]
    assert len(alone) == 1
    copy = alone[0]
    assert copy["same_as"] == target["id"] and by_id[target["id"]]["same_as"] is None
    sources = by_id[target["id"]]["sources"]
    assert [s["paper_id"] for s in sources] == [target["id"], copy["id"]]
    # each source keeps its own pages: the volume's physical pages, the copy's from 0
    assert sources[0]["pages"] == target["pages"] and sources[0]["file"].endswith("volume.pdf")
    assert sources[1]["pages"]["first_index"] == 0 and sources[1]["file"].endswith("alone.pdf")
    assert sources[1]["pages"] == copy["pages"]  # its own, never rewritten to the other copy's
    assert "same as paper" in ok(kb, "papers") and "= 2 sources" in ok(kb, "papers")
    # the other papers of the volume (and the partial neighbours on the copy's pages) stay alone
    others = [p for p in by_id.values() if p["id"] not in (target["id"], copy["id"])]
    assert all(p["same_as"] is None and "sources" not in p for p in others)


def test_bib_lists_a_grouped_paper_once(grouped_kb):
    kb, _, target, _ = grouped_kb
    out = ok(kb, "bib", "--papers", "--format", "bibtex")
    assert out.lower().count(target["title"].lower()) == 1
    copy = next(p for p in papers(kb) if p["same_as"] == target["id"])
    from kb import api

    conn = db.connect(kb)
    works = api.bib_works(conn, "bibtex", paper_ids=[copy["id"], target["id"]])
    assert [w["id"] for w in works] == [f"paper{target['id']}"]


def test_cited_works_count_a_group_once(grouped_kb):
    kb, _, target, _ = grouped_kb
    copy = next(p for p in papers(kb) if p["same_as"] == target["id"])
    ids = {target["id"], copy["id"]}
    shared = [w for w in cli_json(kb, "works") if set(w["cited_by"]) & ids]
    cited_by_both = {r["work_id"] for r in cli_json(kb, "refs") if r["paper_id"] == copy["id"] and r["work_id"]}
    assert shared and cited_by_both
    for w in shared:
        assert not ids <= set(w["cited_by"]) and w["n_cited"] == len(w["cited_by"])


def test_split_is_remembered_through_force_reingest(grouped_kb):
    kb, _, target, copy_path = grouped_kb
    copy = next(p for p in papers(kb) if p["same_as"] == target["id"])
    listed = cli_json(kb, "dedup")
    assert listed["applied"] is False and listed["pairs"] == []
    assert [[m["paper_id"] for m in g["members"]] for g in listed["groups"]] == [[target["id"], copy["id"]]]
    done = cli_json(kb, "dedup", "--split", str(copy["id"]))
    assert done["split_from"] == [target["id"]] and done["groups"] == []
    assert all(p["same_as"] is None and "sources" not in p for p in papers(kb))
    ok(kb, "ingest", "--no-embed", "--force", str(copy_path))
    assert all(p["same_as"] is None for p in papers(kb))
    assert cli_json(kb, "dedup", "--apply")["pairs"] == []
    assert "is in no group" in run_cli(kb, "dedup", "--split", str(target["id"])).output


def test_different_papers_of_one_volume_are_never_one_paper(tmp_path, volume):
    """Same authors, similar titles, one template: not grouped, even ignoring the same-file rule."""
    kb = tmp_path / "kb"
    ok(kb, "ingest", "--no-embed", str(volume.path))
    conn = db.connect(kb)
    ids = [p["id"] for p in real_papers(kb, "volume.pdf")]
    assert len(ids) >= 3
    fps = {pid: groups._stored_fingerprint(conn, pid) for pid in ids}
    for a, b in itertools.combinations(ids, 2):
        fb = fps[b]
        assert groups.decide(fps[a], fb.key, fb.n_shingles, fb.sig) is None, (a, b)
    # and the paper against its own abstract-only fragment (same key, a share of the text)
    for pid in ids:
        rows = conn.execute("SELECT text FROM passages WHERE paper_id = ? AND section = 'abstract'", (pid,)).fetchall()
        if rows:
            full = fps[pid]
            frag = groups.Fingerprint(full.key, 0, None, [])
            hashes = set().union(*(minhash.shingles(r[0]) for r in rows))
            frag.n_shingles, frag.sig = len(hashes), minhash.signature(hashes)
            assert groups.decide(frag, full.key, full.n_shingles, full.sig) is None


def test_removing_a_member_keeps_the_group_consistent(grouped_kb):
    kb, folder, target, _ = grouped_kb
    ok(kb, "ingest", "--no-embed", str(with_cover(folder / "volume.pdf", folder / "covered.pdf")))
    group = next(p for p in papers(kb) if p["id"] == target["id"])["sources"]
    assert len(group) == 3
    done = cli_json(kb, "remove", str(target["id"]))  # the shown copy goes: another is shown
    assert done["removed"]["group_memberships"] == 1
    left = papers(kb)
    rest = {g["paper_id"] for g in group[1:]}
    shown = [p for p in left if p.get("sources") and {s["paper_id"] for s in p["sources"]} & rest]
    assert len(shown) == 1 and {s["paper_id"] for s in shown[0]["sources"]} == rest
    assert all(p["same_as"] == shown[0]["id"] for p in left if p["id"] in rest - {shown[0]["id"]})
    ok(kb, "remove", str(shown[0]["sources"][1]["paper_id"]))  # a group of one is no group
    last = next(p for p in papers(kb) if p["id"] == shown[0]["id"])
    assert last["same_as"] is None and "sources" not in last
    conn = db.connect(kb)
    assert conn.execute("SELECT count(*) FROM paper_groups WHERE paper_id = ?", (last["id"],)).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM paper_groups GROUP BY group_id HAVING count(*) < 2").fetchall() == []
    report = {r["check"]: r["status"] for r in __import__("json").loads(run_cli(kb, "doctor", "--json").stdout)}
    assert report.get("orphans") == "ok", report  # (--no-embed: the vector checks do not apply)


def test_apply_groups_a_knowledge_base_ingested_without_dedup(tmp_path, volume, monkeypatch):
    kb = tmp_path / "kb"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(volume.path, folder / "volume.pdf")
    monkeypatch.setattr(groups, "ENABLED", False)
    ok(kb, "ingest", "--no-embed", str(folder / "volume.pdf"), str(with_cover(volume.path, folder / "c.pdf")))
    assert all(p["same_as"] is None for p in papers(kb))
    dry = cli_json(kb, "dedup")
    n = len(real_papers(kb, "volume.pdf"))
    assert len(dry["pairs"]) == n and all(p["reason"] in ("key+text", "text") for p in dry["pairs"])
    assert all(p["same_as"] is None for p in papers(kb))  # a dry run changes nothing
    assert len(cli_json(kb, "dedup", "--apply")["pairs"]) == n
    assert sum(1 for p in papers(kb) if p["same_as"]) == n
    assert cli_json(kb, "dedup", "--apply")["pairs"] == []


def test_canonical_is_the_born_digital_copy():
    row = lambda pid, ocr, container=None: {"id": pid, "ocr_pages": ocr, "n_pages": 4, "item_type": None,  # noqa: E731
                                            "doi": None, "container": container}
    assert min([row(1, 4), row(2, 0)], key=groups.rank)["id"] == 2  # the scan came first, the PDF is shown
    assert min([row(1, 0, "arXiv preprint"), row(2, 0, "Вестник")], key=groups.rank)["id"] == 2
    assert min([row(1, 0), row(2, 0)], key=groups.rank)["id"] == 1


def test_keys_fold_case_and_punctuation_but_not_words():
    a = keys.work_key("Smart cooperation: in SMEs", [{"family": "Zhou"}], 2025)
    assert a == keys.work_key("SMART COOPERATION IN SMEs.", [{"family": "ZHOU"}], "2025")
    assert a != keys.work_key("Smart cooperation in SMEs, part 2", [{"family": "Zhou"}], 2025)
    assert keys.work_key("Введение", [{"family": "Иванов"}], 2020) is None
    assert keys.work_key("A long enough title", [], 2020) is None
