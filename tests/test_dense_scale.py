"""The above-threshold dense index (IVF-SQ8 + exact re-ranking) on clustered vectors, and its cache.

Random unit vectors have no neighbourhoods, so the vectors here are a mixture: topic centres, section
centres around them, passages around those. Two query sets: passage-like draws from the mixture, and
blends of two or three topics (queries that sit between clusters, like real questions).
"""

from __future__ import annotations

import numpy as np
import pytest

from kb.search import dense, vectors
from kb.store import db

N, DIM, TOPICS, SECTION = 60_000, 512, 1_000, 20
LIMIT = 10_000  # exact_limit, lowered so that 60k passages get the IVF index
MODEL = "test-model"


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, DIM), dtype=np.float32) / np.float32(np.sqrt(DIM))


def clustered(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(passage vectors, topic centres, section centres)."""
    topics = _unit(rng.standard_normal((TOPICS, DIM), dtype=np.float32))
    sections = _unit(topics[rng.integers(0, TOPICS, N // SECTION)] + 0.8 * _noise(rng, N // SECTION))
    sigma = rng.uniform(0.5, 0.9, (N, 1)).astype(np.float32)
    return _unit(sections[np.arange(N) // SECTION] + sigma * _noise(rng, N)), topics, sections


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """A knowledge base holding N passages (minimal rows) and their clustered vectors."""
    kb_dir = tmp_path_factory.mktemp("kb-scale")
    rng = np.random.default_rng(0)
    mat, topics, sections = clustered(rng)
    conn = db.connect(kb_dir)
    with db.transaction(conn):
        conn.execute("INSERT INTO files(id, path, sha256, size, n_pages, ingested_at) VALUES (1, 'x.pdf', 'x', 1, 1, '')")
        conn.execute("INSERT INTO papers(id, file_id, seq, page_first, page_last) VALUES (1, 1, 0, 0, 0)")
        conn.executemany("INSERT INTO passages(id, paper_id, seq, text, section, page_first, page_last, n_words)"
                         " VALUES (?, 1, ?, '', 'body', 0, 0, 0)", ((i + 1, i) for i in range(N)))
        conn.executemany("INSERT INTO passage_vectors(passage_id, vec) VALUES (?, ?)",
                         ((i + 1, mat[i].tobytes()) for i in range(N)))
        vectors.touch(conn)
    yield kb_dir, conn, mat, topics, sections
    conn.close()


def queries(rng: np.random.Generator, topics: np.ndarray, sections: np.ndarray) -> dict[str, np.ndarray]:
    passage_like = _unit(sections[rng.integers(0, len(sections), 200)] + 0.7 * _noise(rng, 200))
    weights = rng.dirichlet(np.ones(3), 200).astype(np.float32)  # 2-3 topics each (small weights vanish)
    blends = np.einsum("qt,qtd->qd", weights, topics[rng.integers(0, TOPICS, (200, 3))])
    # Far from every passage (median cosine 0.21 to the best): probing 8 lists finds 0.85 of their top 10,
    # 32 lists 0.92; the index's 128 find 0.97.
    return {"passage-like": passage_like, "between topics": _unit(blends + 2.5 * _noise(rng, 200))}


def recall_at_10(index: dense.DenseIndex, mat: np.ndarray, qs: np.ndarray) -> float:
    exact = np.argpartition(-(qs @ mat.T), 10, axis=1)[:, :10] + 1  # passage id = row + 1
    found = [[pid for pid, _ in index.search(q, 10)] for q in qs]
    return float(np.mean([len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, exact, strict=True)]))


def test_ivf_recall_and_cache(kb):
    kb_dir, conn, mat, topics, sections = kb
    first = dense.open_index(conn, kb_dir, MODEL, DIM, exact_limit=LIMIT)
    assert (first.kind, first.rebuilt, first.reason) == ("ivf-sq8", True, "missing")
    assert len(first.ids) == N

    qs = queries(np.random.default_rng(1), topics, sections)
    for name, q in qs.items():
        assert recall_at_10(first, mat, q) >= 0.95, name
    hits = first.search(qs["between topics"][0], 5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert hits[0][1] == pytest.approx(float(mat[hits[0][0] - 1] @ qs["between topics"][0]), abs=1e-5)  # exact

    again = dense.open_index(conn, kb_dir, MODEL, DIM, exact_limit=LIMIT)
    assert (again.kind, again.rebuilt, again.reason) == ("ivf-sq8", False, "")
    assert np.array_equal(again.ids, first.ids)
    assert again.search(qs["passage-like"][0], 10) == first.search(qs["passage-like"][0], 10)

    vectors.touch(conn)  # the vectors changed: the cached index is stale
    stale = dense.open_index(conn, kb_dir, MODEL, DIM, exact_limit=LIMIT)
    assert (stale.rebuilt, stale.reason) == (True, "stale")

    index_file = kb_dir / "faiss" / f"{MODEL}.index"
    index_file.write_bytes(b"not a faiss index" + index_file.read_bytes()[:1000])
    broken = dense.open_index(conn, kb_dir, MODEL, DIM, exact_limit=LIMIT)
    assert (broken.rebuilt, broken.reason) == (True, "unreadable")
    assert dense.open_index(conn, kb_dir, MODEL, DIM, exact_limit=LIMIT).reason == ""


def test_up_to_the_limit_search_is_exact(kb):
    kb_dir, conn, mat, _, _ = kb
    flat = dense.open_index(conn, kb_dir / "flat", MODEL, DIM, exact_limit=N)
    assert (flat.kind, flat.rebuilt, flat.reason) == ("flat", True, "missing")
    best = np.argsort(-(mat @ mat[123]))[:10] + 1
    assert [pid for pid, _ in flat.search(mat[123], 10)] == best.tolist()
