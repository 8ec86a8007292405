"""Evidence recall: a recommendation split into its aspects; every stored sentence a candidate."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kb.evidence import aspects
from kb.evidence import find as finder
from kb.search import sentence_index, vectors
from kb.store import db


@pytest.mark.parametrize(("text", "expected"), [
    ("Define roles, contributions, benefit sharing and confidentiality",
     ["Define roles", "Define contributions", "Define benefit sharing", "Define confidentiality"]),
    ("Использовать общие цифровые платформы, чтобы снизить затраты на цифровизацию",
     ["Использовать общие цифровые платформы", "чтобы снизить затраты на цифровизацию"]),
    ("Start with a pilot project; scale up once trust is built.",
     ["Start with a pilot project", "scale up once trust is built"]),
    ("Test each framework under load. Report latency and energy use.",
     ["Test each framework under load", "Report latency and energy use"]),
])
def test_a_recommendation_that_asks_several_things_is_split(text, expected):
    assert aspects.split(text) == expected


@pytest.mark.parametrize("text", [
    "Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие.",
    "Exporting SMEs should hedge currency risk with forward contracts.",
    # long comma-separated clauses are not a list of items
    "When the partners differ in size, a written agreement on who pays for what avoids disputes later",
])
def test_a_recommendation_that_asks_one_thing_is_not_split(text):
    assert aspects.split(text) == []


def test_sentence_index_holds_every_sentence_and_follows_the_vectors(sample_kb):
    conn = db.connect(sample_kb, create=False)
    dim = vectors.recorded_embedder(conn)["dim"]
    name = "probe-model"
    index = sentence_index.open_index(conn, sample_kb, name, dim)
    n_sent = conn.execute("SELECT COALESCE(SUM(n), 0) FROM sentence_vectors").fetchone()[0]
    n_single = conn.execute("SELECT COUNT(*) FROM passage_vectors WHERE passage_id NOT IN "
                            "(SELECT passage_id FROM sentence_vectors)").fetchone()[0]
    assert len(index) == n_sent + n_single > 0
    assert (index.rows[:, 1] == -1).sum() == n_single
    # a stored sentence is its own nearest neighbour
    probe = np.asarray(index.vecs[len(index) // 2], dtype=np.float32)
    rows, sims = index.top(probe / np.linalg.norm(probe), 3)
    assert rows[0] == len(index) // 2 and sims[0] == pytest.approx(1.0, abs=1e-2) and list(sims) == sorted(sims, reverse=True)
    # the cache is reused while the vectors are unchanged, and rebuilt when their generation moves
    meta = sentence_index._paths(sample_kb, name)[2]
    stamp = meta.stat().st_mtime_ns
    assert len(sentence_index.open_index(conn, sample_kb, name, dim)) == len(index) and meta.stat().st_mtime_ns == stamp
    meta.write_text(json.dumps({"format": 1, "generation": "stale", "dim": dim}))
    again = sentence_index.open_index(conn, sample_kb, name, dim)
    assert np.array_equal(again.rows, index.rows) and '"stale"' not in meta.read_text()


def test_cross_lingual_threshold_is_lower():
    assert finder.threshold_for(False, 0.5, 0.03) == pytest.approx(0.47)
    assert finder.threshold_for(True, 0.5, 0.03) == 0.5


def test_aspects_are_reported_with_their_support(sample_kb):
    from kb.search import indexing
    from kb.search.search import Searcher

    conn = db.connect(sample_kb, create=False)
    searcher = Searcher(conn, sample_kb, indexing.embedder_for(conn, sample_kb))
    rec = ("Start cooperation with small pilot projects; hedge currency risk with forward contracts "
           "on the commodity exchange.")
    ev = finder.find(searcher, rec)
    assert [a.text for a in ev.aspects] == aspects.split(rec) and len(ev.aspects) == 2
    pilot, hedge = ev.aspects
    assert pilot.found and not hedge.found
    assert "pilot" in ev.quotes[pilot.quote].text.lower() or "пилот" in ev.quotes[pilot.quote].text.lower()


@pytest.mark.parametrize(("sentence", "quotable"), [
    ("This paper describes a new approach to paraphrase generation with SMT tools.", False),
    ("В статье рассмотрены аспекты автоматизации поиска балансира на изображении.", False),
    ("Объектом исследования данной статьи являются многоагентные фреймворки для роботов.", False),
    ("We show that SMT techniques can be extended to paraphrase given enough data.", True),
    ("Для каждого из фреймворков следует тестировать каждый из способов взаимодействия.", True),
    ("The main barriers to digital adoption are the following:", False),
])
def test_a_quote_states_something(sentence, quotable):
    assert finder._quotable(sentence) is quotable
