"""Score text against the themes: embedding similarity to each theme's prototypes, plus cues.

A sentence's score for a theme is the mean of its three best cosine similarities to the theme's
prototypes (descriptions, example sentences and cue phrases, in both languages, so the match
works across languages), raised by CUE_BONUS when one of the theme's cue phrases occurs in it
(a theme marked ``requires_cue``, such as recommendations, which are a way of speaking rather
than a subject, is given exactly where one of its cues occurs), and lowered when the sentence is closer to the off-theme background sentences than to the
theme. A passage's score is the best score of its sentences: a theme named in one sentence is
a theme of the passage. A passage is tagged with every theme whose score reaches THRESHOLD.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.embed.base import Embedder
from kb.themes import cues as cuelib
from kb.themes.taxonomy import Taxonomy

TOP = 3  # similarities averaged per theme
CUE_BONUS = 0.20
BACKGROUND_WEIGHT = 0.5
THRESHOLD = 0.42


@dataclass
class Components:
    """The parts of the score, kept apart so evaluation can study them."""

    dense: np.ndarray  # (n, themes)
    cue: np.ndarray  # (n, themes) 0/1
    background: np.ndarray  # (n,)
    requires_cue: np.ndarray  # (themes,) bool: such a theme scores 0 where none of its cues occurs

    def scores(self, cue_bonus: float = CUE_BONUS, background_weight: float = BACKGROUND_WEIGHT,
               threshold: float = THRESHOLD) -> np.ndarray:
        penalty = np.maximum(0.0, self.background[:, None] - self.dense)
        out = self.dense + cue_bonus * self.cue - background_weight * penalty
        rc = self.requires_cue
        out[:, rc] = np.where(self.cue[:, rc] > 0, np.maximum(out[:, rc], threshold), 0.0)
        return out


def _top_mean(sims: np.ndarray, top: int) -> np.ndarray:
    top = min(top, sims.shape[1])
    return np.sort(sims, axis=1)[:, -top:].mean(axis=1)


class Tagger:
    """Holds the theme prototypes' vectors (embedded once, cached on disk) and the compiled cues."""

    def __init__(self, taxonomy: Taxonomy, embedder: Embedder, cache_dir: Path | None = None):
        self.taxonomy = taxonomy
        self.embedder = embedder
        texts = [t.prototypes() for t in taxonomy.themes]
        flat = [s for group in texts for s in group] + list(taxonomy.background)
        vecs = self._embed_cached(flat, cache_dir)
        self.prototypes: list[np.ndarray] = []
        k = 0
        for group in texts:
            self.prototypes.append(vecs[k:k + len(group)])
            k += len(group)
        self.background = vecs[k:]
        self.cues = [[c for c in map(cuelib.compile_cue, t.cues) if c] for t in taxonomy.themes]
        # cues indexed by their first stem, so a sentence only tries the cues that can start in it
        self._by_stem: dict[str, list[tuple[int, cuelib.Cue]]] = {}
        self._patterns: list[tuple[int, cuelib.Cue]] = []
        for j, theme_cues in enumerate(self.cues):
            for c in theme_cues:
                if c.pattern is not None:
                    self._patterns.append((j, c))
                else:
                    self._by_stem.setdefault(c.stems[0], []).append((j, c))
        self.requires_cue = np.array([t.requires_cue for t in taxonomy.themes], dtype=bool)

    def _embed_cached(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        key = hashlib.sha256("\x00".join([self.embedder.name, self.embedder.version, *texts]).encode()).hexdigest()[:20]
        path = Path(cache_dir) / f"themes-{key}.npy" if cache_dir else None
        if path is not None and path.is_file():
            try:
                vecs = np.load(path)
                if vecs.shape == (len(texts), self.embedder.dim):
                    return vecs
            except (OSError, ValueError):
                pass
        vecs = self.embedder.embed_passages(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, vecs)
                tmp.replace(path)
            except OSError:
                pass  # a cache that cannot be written only costs time
        return vecs

    def components(self, texts: list[str], vecs: np.ndarray) -> Components:
        n = len(texts)
        dense = np.zeros((n, len(self.prototypes)), np.float32)
        for j, protos in enumerate(self.prototypes):
            if len(protos) and n:
                dense[:, j] = _top_mean(vecs @ protos.T, TOP)
        background = _top_mean(vecs @ self.background.T, TOP) if len(self.background) and n \
            else np.full(n, -1.0, np.float32)
        cue = np.zeros_like(dense)
        for i, text in enumerate(texts):
            stems = cuelib.tokens(text)
            pos = cuelib.positions_of(stems)
            candidates = [jc for stem in pos for jc in self._by_stem.get(stem, ())] + self._patterns
            for j, c in candidates:
                if not cue[i, j] and cuelib.matches(c, stems, pos, text):
                    cue[i, j] = 1.0
        return Components(dense, cue, background, self.requires_cue)

    def score(self, texts: list[str], vecs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
        return self.components(texts, vecs).scores(threshold=threshold)

    def tag_units(self, texts: list[str], vecs: np.ndarray, threshold: float = THRESHOLD) -> list[dict[str, float]]:
        """Themes (id -> score) of each text unit, e.g. a sentence."""
        return [self._tags(row, threshold) for row in self.score(texts, vecs, threshold)]

    def tag_passages(self, units: list[tuple[list[str], np.ndarray]],
                     threshold: float = THRESHOLD) -> list[dict[str, float]]:
        """Themes of passages given as (sentence texts, their vectors): the best sentence decides."""
        texts = [t for group, _ in units for t in group]
        if not texts:
            return [{} for _ in units]
        scores = self.score(texts, np.concatenate([v for _, v in units if len(v)]).astype(np.float32), threshold)
        out, k = [], 0
        for group, _ in units:
            best = scores[k:k + len(group)].max(axis=0) if group else None
            out.append(self._tags(best, threshold) if best is not None else {})
            k += len(group)
        return out

    def _tags(self, row: np.ndarray, threshold: float) -> dict[str, float]:
        return {self.taxonomy.themes[j].id: round(float(s), 4) for j, s in enumerate(row) if s >= threshold}
