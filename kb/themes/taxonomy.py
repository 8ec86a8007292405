"""The theme taxonomy: a TOML file shipped with kb, replaceable by the user's own.

Which file is used: ``--themes FILE`` if given, else ``themes.toml`` in the knowledge-base
directory, else the default in ``kb/data/themes.toml``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kb.errors import KbError

KB_DIR_FILE = "themes.toml"
_REQUIRED = ("id", "label_ru", "label_en", "description_ru", "description_en")


@dataclass(frozen=True)
class Theme:
    id: str
    label_ru: str
    label_en: str
    description_ru: str
    description_en: str
    group: str = ""
    cues_ru: tuple[str, ...] = ()
    cues_en: tuple[str, ...] = ()
    examples_ru: tuple[str, ...] = ()
    examples_en: tuple[str, ...] = ()
    requires_cue: bool = False  # tagged only where one of its cues occurs

    @property
    def cues(self) -> tuple[str, ...]:
        return self.cues_ru + self.cues_en

    def prototypes(self) -> list[str]:
        """The texts whose embeddings stand for the theme: descriptions, examples and cues."""
        return [self.description_ru, self.description_en, *self.examples_ru, *self.examples_en, *self.cues]

    def label(self, lang: str = "en") -> str:
        return self.label_ru if lang == "ru" else self.label_en


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    background: tuple[str, ...] = ()  # off-theme sentences: what a passage about no theme sounds like
    source: str = ""
    digest: str = field(default="", compare=False)

    def get(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KbError(f"unknown theme {theme_id!r}; `kb topics` lists the themes")

    def resolve(self, name: str) -> Theme:
        """A theme by id, by unique id prefix or suffix (`financial`), or by label in either language."""
        key = name.strip().casefold()
        exact = [t for t in self.themes if key in (t.id.casefold(), t.label_ru.casefold(), t.label_en.casefold())]
        if exact:
            return exact[0]
        partial = [t for t in self.themes
                   if t.id.casefold().startswith(key) or t.id.casefold().split(".")[-1] == key]
        if len(partial) == 1:
            return partial[0]
        if partial:
            raise KbError(f"theme {name!r} is ambiguous: {', '.join(t.id for t in partial)}")
        raise KbError(f"unknown theme {name!r}; `kb topics` lists the themes")

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KbError(f"{where}: expected a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def parse(text: str, source: str) -> Taxonomy:
    """Validate a taxonomy's TOML text; a bad file is one clear error naming the file and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KbError(f"{source}: not valid TOML: {exc}") from exc
    raw = data.get("theme")
    if not isinstance(raw, list) or not raw:
        raise KbError(f"{source}: no [[theme]] entries")
    themes, seen = [], set()
    for i, entry in enumerate(raw, 1):
        where = f"{source}: theme {i}"
        missing = [k for k in _REQUIRED if not isinstance(entry.get(k), str) or not entry[k].strip()]
        if missing:
            raise KbError(f"{where}: missing {', '.join(missing)}")
        if entry["id"] in seen:
            raise KbError(f"{where}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        themes.append(Theme(
            id=entry["id"].strip(), group=str(entry.get("group", "")),
            label_ru=entry["label_ru"].strip(), label_en=entry["label_en"].strip(),
            description_ru=entry["description_ru"].strip(), description_en=entry["description_en"].strip(),
            requires_cue=bool(entry.get("requires_cue", False)),
            **{k: _strings(entry.get(k), f"{where} ({k})")
               for k in ("cues_ru", "cues_en", "examples_ru", "examples_en")}))
    from kb.themes.cues import compile_cue

    for t in themes:
        for cue in t.cues:
            try:
                compile_cue(cue)
            except ValueError as exc:
                raise KbError(f"{source}: theme {t.id}: {exc}") from exc
    bg = data.get("background", {})
    background = _strings(bg.get("examples_ru"), f"{source}: background") + \
        _strings(bg.get("examples_en"), f"{source}: background")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Taxonomy(tuple(themes), background, source, digest)


def default_text() -> str:
    return resources.files("kb").joinpath("data", "themes.toml").read_text(encoding="utf-8")


def load(path: Path | None = None, kb_dir: Path | None = None) -> Taxonomy:
    """The taxonomy in force: the given file, else the KB directory's themes.toml, else the default."""
    if path is None and kb_dir is not None and (Path(kb_dir) / KB_DIR_FILE).is_file():
        path = Path(kb_dir) / KB_DIR_FILE
    if path is None:
        return parse(default_text(), "default themes")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise KbError(f"{path}: cannot read themes file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise KbError(f"{path}: themes file is not UTF-8") from exc
    return parse(text, str(path))


def to_json(tax: Taxonomy) -> str:
    """What is stored with the tags, so `kb topics` can list what the tags were made with."""
    return json.dumps({"source": tax.source, "digest": tax.digest,
                       "themes": [{"id": t.id, "group": t.group, "label_ru": t.label_ru, "label_en": t.label_en}
                                  for t in tax.themes]}, ensure_ascii=False)
