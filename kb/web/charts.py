"""Geometry for the SVG charts drawn by the templates: no plotting library, no script, so the
charts render identically with JavaScript off and ship as plain markup."""

from __future__ import annotations

from dataclasses import dataclass

LABEL_W = 300  # room for theme labels at the left
ROW_H = 22
BAR_W = 420
CELL_W = 44
BAR_STEP = 28


@dataclass
class Bar:
    y: int
    label: str
    title: str
    passages: int
    papers: int
    w_passages: float
    w_papers: float


def bars(rows: list[tuple[str, str, int, int]]) -> dict:
    """Horizontal bars (passages, and papers under them) for rows of (label, title, passages, papers)."""
    top = max([r[2] for r in rows] + [1])
    scale = BAR_W / top
    out = [Bar(y=i * BAR_STEP + 30, label=label, title=title, passages=p, papers=q,
               w_passages=round(p * scale, 1), w_papers=round(q * scale, 1))
           for i, (label, title, p, q) in enumerate(rows)]
    return {"bars": out, "width": LABEL_W + BAR_W + 60, "height": len(rows) * BAR_STEP + 36, "x0": LABEL_W}


@dataclass
class Cell:
    x: int
    y: int
    value: int
    opacity: float
    title: str


def heatmap(row_labels: list[str], col_labels: list[str], values: dict[tuple[int, int], int],
            titles: dict[tuple[int, int], str] | None = None) -> dict:
    """A grid of rows × columns; each non-empty cell shaded by its share of the largest value."""
    top = max(list(values.values()) + [1])
    cells = [Cell(x=LABEL_W + j * CELL_W, y=24 + i * ROW_H, value=v, opacity=round(0.15 + 0.85 * v / top, 2),
                  title=(titles or {}).get((i, j), str(v)))
             for (i, j), v in sorted(values.items()) if v]
    cols = [{"x": LABEL_W + j * CELL_W + CELL_W / 2, "label": c} for j, c in enumerate(col_labels)]
    rows = [{"y": 24 + i * ROW_H + ROW_H / 2 + 4, "label": r} for i, r in enumerate(row_labels)]
    return {"cells": cells, "cols": cols, "rows": rows, "x0": LABEL_W, "cell_w": CELL_W - 2, "cell_h": ROW_H - 2,
            "width": LABEL_W + len(col_labels) * CELL_W + 10, "height": 24 + len(row_labels) * ROW_H + 6}
