"""Typeset the seed texts with XeLaTeX and LibreOffice Writer into fixture PDFs with ground truth.

python scripts/render_typeset_fixtures.py [--seeds DIR] [--out tests/fixtures/typeset]
                                          [--tools xelatex,ieeetran,elsarticle,writer] [--keep-sources DIR]

For every seed NNN this writes NNN_xelatex.pdf and NNN_writer.pdf plus one NNN_<tool>.json of
ground truth each (title, printed authors, reference entries in printed order and the 1-based
PDF pages the reference list spans).  The seeds are parsed by kb.samples.parse_seed; the
reference entries typeset (and recorded as ground truth) are the `raw` strings of the
"seed:NNN" lines of scripts/data/refs_dev.jsonl.

Two independent typesetters, so that the fixtures carry their real habits:
- XeLaTeX (fontspec + polyglossia, TeX hyphenation on): two-column body (multicol), fancyhdr
  running header/footer, reference lists as `thebibliography` ([n] labels in a hanging
  margin), `enumerate` ("n." labels) or hanging-indent unnumbered paragraphs, \\footnotesize.
- LibreOffice Writer (headless): a flat ODF text document (.fodt) written here, single column,
  page header/footer with a page-number field, reference lists with automatic list numbering
  (text:list + a numbering list style, numbers are not in the text), no hyphenation.

Only needed to regenerate the fixtures; the tests read the committed PDFs and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # runnable from a checkout without installing the package

from kb.samples import FOOTER, JOURNAL_HEADER, PROCEEDINGS_HEADER, Block, Paper, parse_seed  # noqa: E402

REFS_DEV = REPO / "scripts" / "data" / "refs_dev.jsonl"
SOURCE_DATE_EPOCH = "1735689600"  # 2025-01-01, for reproducible XeLaTeX output


@dataclass(frozen=True)
class SeedStyle:
    """How one seed is dressed: proceedings volume (000, 001) or journal article (002)."""

    header: str
    footer: str | None  # left footer text; the page number goes right (or centred when None)
    first_page: int
    latex_font: str
    numbered_list: str  # XeLaTeX style of numbered lists: "thebibliography" or "enumerate"
    writer_list: str  # Writer numbered lists: "hanging" (text aligned after the number) or
    # "indented" (number at the first-line indent, later lines back at the margin, GOST style)


STYLES = {
    "000": SeedStyle(PROCEEDINGS_HEADER, FOOTER, 143, "CMU Serif", "enumerate", "indented"),
    "001": SeedStyle(PROCEEDINGS_HEADER, FOOTER, 151, "CMU Serif", "enumerate", "indented"),
    "002": SeedStyle(JOURNAL_HEADER, None, 173, "PT Serif", "thebibliography", "hanging"),
}
WRITER_FONT = "Liberation Serif"


# ---------------------------------------------------------------- the seed as typeset


@dataclass
class RefList:
    paper: int
    heading: str
    entries: list[dict]  # {"n": "1" | None, "raw": ...}

    @property
    def numbered(self) -> bool:
        return self.entries[0]["n"] is not None


@dataclass
class Doc:
    seed: str
    seed_file: str
    papers: list[Paper]
    lists: dict[int, RefList] = field(default_factory=dict)  # paper index -> its list


def _seed_refs(seed: str) -> list[dict]:
    out = []
    for line in REFS_DEV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            if d["source"] == f"seed:{seed}":
                out.append({"n": d["n"], "raw": d["raw"]})
    return out


def _loose(s: str) -> str:
    return re.sub(r"[^\w]", "", unicodedata.normalize("NFKC", s))


def load_doc(seed_path: Path) -> Doc:
    """Parse a seed; pair its reference blocks, in order, with the refs_dev.jsonl entries."""
    seed = seed_path.name[:3]
    papers = parse_seed(seed_path.read_text(encoding="utf-8"))
    refs = _seed_refs(seed)
    doc = Doc(seed, seed_path.name, papers)
    k = 0
    for pi, paper in enumerate(papers):
        blocks = [b for b in paper.blocks if b.kind == "ref"]
        if not blocks:
            continue
        heading = next(b.text for b in paper.blocks if b.kind == "refheading")
        entries = refs[k : k + len(blocks)]
        k += len(blocks)
        for b, e in zip(blocks, entries, strict=True):
            if _loose(e["raw"])[:30] not in _loose(b.text):
                raise ValueError(
                    f"seed {seed}: refs_dev entry {e['raw'][:50]!r} is not block {b.text[:50]!r}"
                )
        doc.lists[pi] = RefList(pi, heading, entries)
    if k != len(refs):
        raise ValueError(f"seed {seed}: {len(refs)} refs_dev entries, {k} reference blocks")
    return doc


def printed_authors(line: str | None) -> list[str]:
    """Names from an authors line, as printed: "ZHOU Xinghong, master student, Aliakseyeva A., ..."."""
    if not line:
        return []
    line = re.sub(r"^©\s*\d{4}\s*", "", line)
    names = []
    for part in (p.strip() for p in line.split(",")):
        tokens = part.split()
        if tokens and all(t[0].isupper() for t in tokens) and not re.search(r"(?i)\bphd\b", part):
            names.append(part)
    return names


def _is_russian(paper: Paper) -> bool:
    text = " ".join(b.text for b in paper.blocks if b.kind not in ("ref", "udc"))
    cyr = sum("а" <= c.lower() <= "я" or c in "ёЁ" for c in text)
    lat = sum("a" <= c.lower() <= "z" for c in text)
    return cyr >= lat


_URL_RE = re.compile(r"https?://\S+?(?=[.,;)]?(?:\s|$))")


# ---------------------------------------------------------------- XeLaTeX

_TEX_ESC = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex_plain(s: str) -> str:
    return "".join(_TEX_ESC.get(c, c) for c in s)


def tex(s: str) -> str:
    """Escape for LaTeX; URLs become \\url{...} (breakable, no hyphen added)."""
    out, pos = [], 0
    for m in _URL_RE.finditer(s):
        out.append(_tex_plain(s[pos : m.start()]))
        url = m.group(0).replace("\\", "/")
        out.append(r"\url{" + re.sub(r"([%#{}])", r"\\\1", url) + "}")
        pos = m.end()
    out.append(_tex_plain(s[pos:]))
    return "".join(out)


_LABEL_RE = re.compile(r"^((?:Keywords|Key words|Ключевые слова)\s*:|Abstract\s*[.:]|Аннотация\s*[.:])\s*")

_TEX_PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[a4paper,top=2.3cm,bottom=2.2cm,left=1.9cm,right=1.9cm,headheight=13pt,headsep=0.45cm,footskip=0.9cm]{geometry}
\usepackage{fontspec}
\setmainfont{@FONT@}[Ligatures=TeXOff]
\usepackage{polyglossia}
\setdefaultlanguage{russian}
\setotherlanguage{english}
\usepackage{multicol}
\setlength{\columnsep}{0.55cm}
\usepackage{enumitem}
\usepackage{etoolbox}
\usepackage{fancyhdr}
\usepackage{xurl}
\usepackage[hidelinks,pdfcreator={XeLaTeX},pdftitle={@TITLE@},pdfauthor={@AUTHOR@}]{hyperref}
\urlstyle{same}
\pagestyle{fancy}
\fancyhf{}
@HEADFOOT@
\renewcommand{\headrulewidth}{0.4pt}
\setlength{\parindent}{1.2em}
\newcommand{\sechead}[1]{\par\addvspace{0.6\baselineskip}{\centering\bfseries #1\par}\nopagebreak\addvspace{0.3\baselineskip}}
\makeatletter
\patchcmd{\thebibliography}{\section*{\refname}\@mkboth{\MakeUppercase\refname}{\MakeUppercase\refname}}{\sechead{\refname}\footnotesize}{}{\errmessage{thebibliography patch failed}}
\makeatother
\setcounter{page}{@PAGE@}
\begin{document}
"""


def _tex_headfoot(style: SeedStyle) -> str:
    if style.footer:  # proceedings: centred italic header, footer "УО «ВГТУ», 2025 ... 143"
        return "\n".join(
            [
                r"\fancyhead[C]{\footnotesize\itshape " + tex(style.header) + "}",
                r"\fancyfoot[L]{\small " + tex(style.footer) + "}",
                r"\fancyfoot[R]{\small\thepage}",
            ]
        )
    return "\n".join(  # journal: rubric left, page number right in the header, nothing below
        [
            r"\fancyhead[L]{\small\itshape " + tex(style.header) + "}",
            r"\fancyhead[R]{\small\bfseries\thepage}",
        ]
    )


def _tex_figure(caption: str) -> str:
    pts = []
    for t in range(0, 21, 2):
        x = 5 + 90 * t / 20
        y = 8 + 28 * 4 * t / 20 * (1 - t / 20)
        pts.append((x, y))
    curve = "".join(
        rf"\qbezier({a[0]:.1f},{a[1]:.1f})({(a[0] + b[0]) / 2:.1f},{(a[1] + b[1]) / 2:.1f})({b[0]:.1f},{b[1]:.1f})"
        for a, b in zip(pts, pts[1:], strict=False)
    )
    return (
        "\\par\\medskip{\\centering\\setlength{\\unitlength}{0.01\\linewidth}"
        "\\begin{picture}(100,42)\\put(0,0){\\framebox(100,42){}}" + curve + "\\end{picture}\\par}\n"
        "{\\small\\centering " + tex(caption) + "\\par}\\medskip\n"
    )


def _tex_reflist(rl: RefList, style: SeedStyle) -> str:
    if rl.numbered and style.numbered_list == "thebibliography":
        width = "9" * len(rl.entries[-1]["n"])
        items = "\n".join(rf"\bibitem{{r{e['n']}}} {tex(e['raw'])}" for e in rl.entries)
        return (
            "{\\renewcommand{\\refname}{" + tex(rl.heading) + "}\n"
            "\\begin{thebibliography}{" + width + "}\n" + items + "\n\\end{thebibliography}}\n"
        )
    head = "\\sechead{" + tex(rl.heading) + "}\n"
    if rl.numbered:
        items = "\n".join(rf"\item {tex(e['raw'])}" for e in rl.entries)
        return (
            head + "{\\footnotesize\\begin{enumerate}[label=\\arabic*.,leftmargin=*,align=left,itemsep=1pt,"
            "parsep=0pt,topsep=2pt]\n" + items + "\n\\end{enumerate}}\n"
        )
    items = "\n".join(
        r"\noindent\hangindent=1.5em\hangafter=1 " + tex(e["raw"]) + r"\par" for e in rl.entries
    )
    return head + "{\\footnotesize\\setlength{\\parskip}{1pt}\n" + items + "\n\\par}\n"


def _tex_front(block: Block) -> str:
    t = block.text
    k = block.kind
    if k == "udc":
        return "\\noindent{\\small " + tex(t) + "}\\par\\medskip\n"
    if k == "title":
        return "{\\centering\\large\\bfseries " + tex(t) + "\\par}\\medskip\n"
    if k == "authors":
        return "{\\centering\\bfseries\\itshape " + tex(t) + "\\par}\n"
    if k in ("position", "affiliation"):
        return "{\\centering\\small\\itshape " + tex(t) + "\\par}\n"
    if k == "email":
        return "{\\centering\\small " + tex(t) + "\\par}\n"
    if k in ("abstract", "keywords"):
        m = _LABEL_RE.match(t)
        body = tex(t)
        if m:
            label = m.group(1)
            form = "\\textit" if k == "abstract" else "\\textbf"
            body = form + "{" + tex(label) + "} " + tex(t[m.end() :])
        return "\\par\\smallskip{\\small\\leftskip=2em\\rightskip=2em\\noindent " + body + "\\par}\n"
    raise ValueError(k)


_FRONT_KINDS = ("udc", "title", "authors", "position", "affiliation", "email", "abstract", "keywords")


def front_and_rest(paper: Paper) -> tuple[list[Block], list[Block]]:
    """A paper's front-matter blocks and the blocks after them (all of them for a fragment)."""
    front = [b for b in paper.blocks if b.kind in _FRONT_KINDS]
    return front, (paper.blocks[len(front) :] if paper.title is not None else paper.blocks)


def _tex_body(blocks: list[Block], heading, reflist) -> list[str]:
    """The body blocks after a paper's front matter: headings as `heading(text)` makes them, the
    reference list (at its heading block) as `reflist()` makes it."""
    out = []
    for b in blocks:
        if b.kind == "heading":
            out.append(heading(b.text))
        elif b.kind == "para":
            out.append(tex(b.text) + "\n\n")
        elif b.kind == "caption":
            out.append(_tex_figure(b.text))
        elif b.kind == "refheading":
            out.append(reflist())
        elif b.kind != "ref":
            raise ValueError(f"unexpected block {b.kind} after the front matter")
    return out


def latex_source(doc: Doc) -> str:
    style = STYLES[doc.seed]
    title = next((p.title for p in doc.papers if p.title), "")
    first = next((p for p in doc.papers if p.title), None)
    authors = ", ".join(printed_authors(first.authors_line if first else None))
    head = (
        _TEX_PREAMBLE.replace("@FONT@", style.latex_font)
        .replace("@TITLE@", tex(title))
        .replace("@AUTHOR@", tex(authors))
        .replace("@HEADFOOT@", _tex_headfoot(style))
        .replace("@PAGE@", str(style.first_page))
    )
    out = [head]
    for pi, paper in enumerate(doc.papers):
        lang = "russian" if _is_russian(paper) else "english"
        out.append(f"\\begin{{{lang}}}\n" if lang == "english" else "\\selectlanguage{russian}\n")
        if paper.title is not None and pi:
            out.append("\\par\\bigskip\n")
        front, rest = front_and_rest(paper)
        if paper.title is not None:
            out.extend(_tex_front(b) for b in front)
            out.append("\\medskip\n")
        out.append("\\begin{multicols}{2}\n")
        out += _tex_body(rest, lambda t: "\\sechead{" + tex(t) + "}\n",
                         lambda pi=pi: _tex_reflist(doc.lists[pi], style))
        out.append("\\end{multicols}\n")
        if lang == "english":
            out.append("\\end{english}\n")
    out.append("\\end{document}\n")
    return "".join(out)


_IEEE_PREAMBLE = r"""\documentclass[conference,a4paper,10pt]{IEEEtran}
\usepackage{fontspec}
\setmainfont{CMU Serif}[Ligatures=TeXOff]
\usepackage{polyglossia}
\setdefaultlanguage{russian}
\setotherlanguage{english}
\usepackage{xurl}
\usepackage[hidelinks,pdfcreator={XeLaTeX IEEEtran},pdftitle={@TITLE@},pdfauthor={@AUTHOR@}]{hyperref}
\urlstyle{same}
\pagestyle{plain}
\setcounter{page}{@PAGE@}
\begin{document}
"""


def _small_caps(text: str) -> str:
    """Small capitals as Times-based IEEE PDFs carry them (the text font here has none): each
    word's first letter at full size, the rest as smaller capitals in a span of their own."""
    words = []
    for w in text.split():
        head, rest = w[0], w[1:]
        words.append(tex(head.upper()) + ("{\\footnotesize " + tex(rest.upper()) + "}" if rest else ""))
    return " ".join(words)


def _ieee_reflist(rl: RefList, pi: int) -> str:
    if rl.numbered:
        width = "9" * len(rl.entries[-1]["n"])
        items = "\n".join(rf"\bibitem{{r{pi}x{e['n']}}} {tex(e['raw'])}" for e in rl.entries)
        return (
            "{\\renewcommand{\\refname}{" + _small_caps(rl.heading) + "}\n"
            "\\begin{thebibliography}{" + width + "}\n" + items + "\n\\end{thebibliography}}\n"
        )
    items = "\n".join(  # the class's unnumbered form: its heading, hanging paragraphs
        r"\noindent\hangindent=1.5em\hangafter=1 " + tex(e["raw"]) + r"\par" for e in rl.entries
    )
    return "\\section*{" + _small_caps(rl.heading) + "}\n{\\footnotesize\n" + items + "\n\\par}\n"


def _page_front(out: list[str], pi: int, paper: Paper) -> list[Block]:
    """A paper of a two-column class: its language, a new page (after the first paper) with its
    front matter across both columns; returns the blocks after the front matter."""
    out.append("\\selectlanguage{" + ("russian" if _is_russian(paper) else "english") + "}\n")
    front, rest = front_and_rest(paper)
    if paper.title is not None:
        if pi:
            out.append("\\clearpage\n")
        out.append("\\twocolumn[{\\begin{@twocolumnfalse}\n")
        out.extend(_tex_front(b) for b in front)
        out.append("\\medskip\\end{@twocolumnfalse}}]\n")
    return rest


def ieeetran_source(doc: Doc) -> str:
    """The seed as an IEEE conference paper: the class's own two columns, small-caps numbered
    \\section headings ("I. ВВЕДЕНИЕ"), its thebibliography ([n] labels in a hanging margin,
    \\footnotesize), every paper of a volume starting a page with its front matter across both
    columns."""
    style = STYLES[doc.seed]
    title = next((p.title for p in doc.papers if p.title), "")
    first = next((p for p in doc.papers if p.title), None)
    authors = ", ".join(printed_authors(first.authors_line if first else None))
    out = [
        _IEEE_PREAMBLE.replace("@TITLE@", tex(title))
        .replace("@AUTHOR@", tex(authors))
        .replace("@PAGE@", str(style.first_page))
    ]
    for pi, paper in enumerate(doc.papers):
        rest = _page_front(out, pi, paper)
        out += _tex_body(rest, lambda t: "\\section{" + _small_caps(t) + "}\n",
                         lambda pi=pi: _ieee_reflist(doc.lists[pi], pi))
    out.append("\\end{document}\n")
    return "".join(out)


_ELS_PREAMBLE = r"""\documentclass[5p,a4paper]{elsarticle}
\usepackage{fontspec}
\setmainfont{@FONT@}[Ligatures=TeXOff]
\usepackage{polyglossia}
\setdefaultlanguage{russian}
\setotherlanguage{english}
\usepackage{xurl}
\usepackage[hidelinks,pdfcreator={XeLaTeX elsarticle},pdftitle={@TITLE@},pdfauthor={@AUTHOR@}]{hyperref}
\urlstyle{same}
\setcounter{page}{@PAGE@}
\begin{document}
"""
_CITE = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)(?:,\s*[^\]]{1,20})?\]")


def _superscript_citations(text: str) -> str:
    """'... as shown [3, с. 5].' -> '... as shown\\textsuperscript{3}.': the numeric citations of Elsevier's
    preprints, raised above the line."""
    return _CITE.sub(lambda m: "\\textsuperscript{" + m[1].replace(" ", "") + "}", text)


def elsarticle_source(doc: Doc) -> str:
    """The seed as an Elsevier preprint (elsarticle, 5p: two columns, small type): numbered
    \\section headings, citations as superscript numbers, the class's thebibliography ([n] labels,
    footnote size), each paper of a volume starting a page with its front matter across both columns."""
    style = STYLES[doc.seed]
    title = next((p.title for p in doc.papers if p.title), "")
    first = next((p for p in doc.papers if p.title), None)
    authors = ", ".join(printed_authors(first.authors_line if first else None))
    out = [
        _ELS_PREAMBLE.replace("@FONT@", style.latex_font).replace("@TITLE@", tex(title))
        .replace("@AUTHOR@", tex(authors)).replace("@PAGE@", str(style.first_page))
    ]
    for pi, paper in enumerate(doc.papers):
        rest = _page_front(out, pi, paper)
        body = _tex_body(rest, lambda t: "\\section{" + tex(t) + "}\n",
                         lambda pi=pi: _ieee_reflist(doc.lists[pi], pi).replace("\\footnotesize", "\\scriptsize"))
        out += [_superscript_citations(part) if not part.startswith(("{\\renewcommand", "\\section")) else part
                for part in body]
    out.append("\\end{document}\n")
    return "".join(out)


def run_xelatex(doc: Doc, out_pdf: Path, workdir: Path, tool: str = "xelatex") -> None:
    src = workdir / f"{doc.seed}_{tool}.tex"
    source = {"ieeetran": ieeetran_source, "elsarticle": elsarticle_source}.get(tool, latex_source)
    src.write_text(source(doc), encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1")
    for _ in range(2):  # second run settles hyperref's outlines / aux
        r = subprocess.run(
            ["xelatex", "-interaction=nonstopmode", "-halt-on-error", src.name],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
        )
        if r.returncode != 0:
            raise RuntimeError(f"xelatex failed on {src}:\n{r.stdout[-3000:]}")
    log = (workdir / f"{doc.seed}_{tool}.log").read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.) ", log)))
    if missing:
        raise RuntimeError(f"{src.name}: font {STYLES[doc.seed].latex_font} lacks {missing}")
    overfull = len(re.findall(r"^Overfull \\hbox", log, re.M))
    if overfull:
        print(f"    note: {overfull} overfull line(s) in {src.name}", file=sys.stderr)
    shutil.copyfile(workdir / f"{doc.seed}_{tool}.pdf", out_pdf)


# ---------------------------------------------------------------- LibreOffice Writer (flat ODF)

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _pstyle(
    name: str,
    size: float,
    align="justify",
    indent="0cm",
    left="0cm",
    top="0cm",
    bottom="0cm",
    weight=None,
    italic=False,
    keep=False,
    extra="",
) -> str:
    text = f'fo:font-size="{size}pt"'
    if weight:
        text += ' fo:font-weight="bold"'
    if italic:
        text += ' fo:font-style="italic"'
    keep_attr = ' fo:keep-with-next="always"' if keep else ""
    return (
        f'<style:style style:name="{name}" style:family="paragraph" style:parent-style-name="Standard"{extra}>'
        f'<style:paragraph-properties fo:text-align="{align}" fo:text-indent="{indent}" fo:margin-left="{left}" '
        f'fo:margin-top="{top}" fo:margin-bottom="{bottom}" fo:orphans="2" fo:widows="2"{keep_attr}/>'
        f"<style:text-properties {text}/></style:style>"
    )


def _fodt_styles(style: SeedStyle) -> str:
    paragraph = [
        _pstyle("UDC", 11, "start", top="0.5cm", bottom="0.2cm"),
        _pstyle("Title", 13, "center", top="0.2cm", bottom="0.2cm", weight=True, keep=True),
        _pstyle("Authors", 12, "center", weight=True, italic=True, keep=True),
        _pstyle("Affil", 11, "center", italic=True, keep=True),
        _pstyle("Email", 11, "center", bottom="0.2cm"),
        _pstyle("Abstract", 11, indent="1cm", top="0.15cm"),
        _pstyle("Keywords", 11, indent="1cm", bottom="0.25cm"),
        _pstyle("Body", 12, indent="1.25cm"),
        _pstyle("Heading", 12, "center", top="0.25cm", bottom="0.1cm", weight=True, keep=True),
        _pstyle("RefHeading", 12, "center", top="0.25cm", bottom="0.1cm", weight=True, keep=True),
        _pstyle("RefNum", 11, extra=' style:list-style-name="RefNumbering"').replace(
            ' fo:text-indent="0cm" fo:margin-left="0cm"',
            "",  # the list level sets the indents
        ),
        _pstyle("RefHang", 11, indent="-0.75cm", left="0.75cm"),
        _pstyle("Figure", 11, "center", top="0.2cm"),
        _pstyle("Caption", 11, "center", bottom="0.2cm"),
        _pstyle("Header", 9, "center", italic=True, extra=' style:class="extra"').replace(
            "<style:paragraph-properties ",
            '<style:paragraph-properties fo:padding-bottom="0.05cm" fo:border-bottom="0.5pt solid #000000" ',
        ),
        _pstyle("Footer", 10, "start", extra=' style:class="extra"').replace(
            'fo:widows="2"/>',
            'fo:widows="2"><style:tab-stops><style:tab-stop style:position="8.5cm" style:type="center"/>'
            '<style:tab-stop style:position="17cm" style:type="right"/></style:tab-stops>'
            "</style:paragraph-properties>",
        ),
    ]
    if style.writer_list == "hanging":  # Word's default numbered list
        indents = 'text:list-tab-stop-position="0.75cm" fo:text-indent="-0.75cm" fo:margin-left="0.75cm"'
    else:
        indents = 'text:list-tab-stop-position="1.9cm" fo:text-indent="1.25cm" fo:margin-left="0cm"'
    numbering = (
        '<text:list-style style:name="RefNumbering">'
        '<text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">'
        '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
        f'<style:list-level-label-alignment text:label-followed-by="listtab" {indents}/>'
        "</style:list-level-properties></text:list-level-style-number></text:list-style>"
    )
    return (
        "<office:styles>"
        '<style:default-style style:family="paragraph"><style:paragraph-properties style:writing-mode="page"/>'
        f'<style:text-properties style:font-name="{WRITER_FONT}" fo:font-size="12pt" fo:language="ru" '
        'fo:country="RU" fo:hyphenate="false"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text">'
        '<style:paragraph-properties fo:line-height="100%"/></style:style>'
        + "".join(paragraph)
        + numbering
        + '<style:style style:name="Frame" style:family="graphic"><style:graphic-properties '
        'draw:stroke="solid" svg:stroke-width="0.03cm" svg:stroke-color="#000000" draw:fill="none"/></style:style>'
        "</office:styles>"
    )


def _span(cls: str, s: str) -> str:
    return f'<text:span text:style-name="{cls}">{s}</text:span>'


def odt_text(s: str) -> str:
    """Escape for ODF; URLs become hyperlinks, as a word processor's autocorrect makes them."""
    out, pos = [], 0
    for m in _URL_RE.finditer(s):
        out.append(xml_escape(s[pos : m.start()]))
        url = xml_escape(m.group(0), {'"': "&quot;"})
        out.append(f'<text:a xlink:type="simple" xlink:href="{url}">{url}</text:a>')
        pos = m.end()
    out.append(xml_escape(s[pos:]))
    return "".join(out)


def _odt_par(style_name: str, body: str) -> str:
    return f'<text:p text:style-name="{style_name}">{body}</text:p>'


def _odt_block(b: Block) -> str:
    styles = {
        "udc": "UDC",
        "title": "Title",
        "authors": "Authors",
        "position": "Affil",
        "affiliation": "Affil",
        "email": "Email",
        "heading": "Heading",
        "para": "Body",
    }
    if b.kind in ("abstract", "keywords"):
        m = _LABEL_RE.match(b.text)
        body = odt_text(b.text)
        if m:
            cls = "Ti" if b.kind == "abstract" else "Tb"
            body = _span(cls, xml_escape(m.group(1))) + " " + odt_text(b.text[m.end() :])
        return _odt_par("Abstract" if b.kind == "abstract" else "Keywords", body)
    if b.kind == "caption":
        m = re.match(r"^(Рис\.|Рисунок|Fig\.|Figure)\s*\d+\.?", b.text)
        fig = (
            '<draw:path draw:style-name="Frame" text:anchor-type="as-char" svg:width="13cm" '
            'svg:height="5cm" svg:viewBox="0 0 1300 500" svg:d="M0 0 H1300 V500 H0 Z '
            'M60 440 C 300 420 450 60 650 60 C 850 60 1000 380 1240 440"/>'
        )
        cap = _span("Tb", xml_escape(m.group(0))) + odt_text(b.text[m.end() :]) if m else odt_text(b.text)
        return _odt_par("Figure", fig) + _odt_par("Caption", cap)
    return _odt_par(styles[b.kind], odt_text(b.text))


def fodt_source(doc: Doc) -> str:
    style = STYLES[doc.seed]
    title = next((p.title for p in doc.papers if p.title), "")
    body: list[str] = []
    for pi, paper in enumerate(doc.papers):
        for b in paper.blocks:
            if b.kind == "ref":
                continue
            if b.kind == "refheading":
                rl = doc.lists[pi]
                body.append(_odt_par("RefHeading", odt_text(rl.heading)))
                if rl.numbered:
                    items = "".join(
                        f"<text:list-item>{_odt_par('RefNum', odt_text(e['raw']))}</text:list-item>"
                        for e in rl.entries
                    )
                    body.append(f'<text:list text:style-name="RefNumbering">{items}</text:list>')
                else:
                    body.extend(_odt_par("RefHang", odt_text(e["raw"])) for e in rl.entries)
                continue
            body.append(_odt_block(b))
    # the first paragraph carries the master page and the printed number of the first page
    first_style = re.match(r'<text:p text:style-name="(\w+)"', body[0]).group(1)
    body[0] = body[0].replace(f'text:style-name="{first_style}"', 'text:style-name="First"', 1)
    footer = (
        f"{xml_escape(style.footer)}<text:tab/><text:tab/>" if style.footer else "<text:tab/>"
    ) + f'<text:page-number text:select-page="current">{style.first_page}</text:page-number>'
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document {ns} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
        f"<office:meta><dc:title>{xml_escape(title)}</dc:title><dc:language>ru-RU</dc:language></office:meta>"
        f'<office:font-face-decls><style:font-face style:name="{WRITER_FONT}" svg:font-family="&apos;{WRITER_FONT}&apos;" '
        'style:font-family-generic="roman" style:font-pitch="variable"/></office:font-face-decls>'
        + _fodt_styles(style)
        + "<office:automatic-styles>"
        '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" '
        'fo:page-height="29.7cm" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2cm" '
        'fo:margin-right="2cm"/>'
        '<style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.5cm"/>'
        "</style:header-style>"
        '<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.5cm"/>'
        "</style:footer-style></style:page-layout>"
        f'<style:style style:name="First" style:family="paragraph" style:parent-style-name="{first_style}" '
        f'style:master-page-name="Standard"><style:paragraph-properties style:page-number="{style.first_page}"/>'
        "</style:style>"
        '<style:style style:name="Tb" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="Ti" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>'
        "</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
        f'<style:header><text:p text:style-name="Header">{xml_escape(style.header)}</text:p></style:header>'
        f'<style:footer><text:p text:style-name="Footer">{footer}</text:p></style:footer>'
        "</style:master-page></office:master-styles>"
        "<office:body><office:text>" + "".join(body) + "</office:text></office:body></office:document>\n"
    )


def run_writer(doc: Doc, out_pdf: Path, workdir: Path) -> None:
    src = workdir / f"{doc.seed}_writer.fodt"
    src.write_text(fodt_source(doc), encoding="utf-8")
    profile = workdir / "lo_profile"
    r = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(workdir),
            str(src),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
    )
    pdf = workdir / f"{doc.seed}_writer.pdf"
    if r.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice failed on {src}:\n{r.stdout}\n{r.stderr}")
    shutil.copyfile(pdf, out_pdf)


# ---------------------------------------------------------------- ground truth from the PDF


def _norm_with_pages(pdf: Path) -> tuple[str, list[int]]:
    """Letters and digits of the PDF text (NFKC, in extraction order) and the 1-based page of each."""
    chars, pages = [], []
    with pymupdf.open(pdf) as d:
        for i, page in enumerate(d):
            for c in unicodedata.normalize("NFKC", page.get_text()):
                if c.isalnum():
                    chars.append(c)
                    pages.append(i + 1)
    return "".join(chars), pages


def _find(text: str, needle: str, start: int) -> int:
    for size in (30, 20, 12):
        at = text.find(needle[:size], start)
        if at >= 0:
            return at
    return -1


def _rfind_end(text: str, needle: str, start: int) -> int:
    for size in (30, 20, 12):
        at = text.find(needle[-size:], start)
        if at >= 0:
            return at + len(needle[-size:]) - 1
    return -1


def locate_lists(pdf: Path, doc: Doc) -> dict[int, list[int]]:
    """1-based [first, last] PDF page of each reference list; checks every entry is there, in order."""
    text, pages = _norm_with_pages(pdf)
    out, pos = {}, 0
    for pi, rl in doc.lists.items():
        first = last = None
        for e in rl.entries:
            n = _loose(e["raw"]).replace("_", "")
            s = _find(text, n, pos)
            if s < 0:
                raise RuntimeError(f"{pdf.name}: entry not found in the text: {e['raw'][:60]!r}")
            end = _rfind_end(text, n, s)
            if end < 0:
                raise RuntimeError(f"{pdf.name}: end of entry not found: {e['raw'][-60:]!r}")
            first = pages[s] if first is None else first
            last, pos = pages[end], end + 1
        out[pi] = [first, last]
    return out


def ground_truth(pdf: Path, doc: Doc, tool: str, version: str) -> dict:
    where = locate_lists(pdf, doc)
    titled = [(pi, p) for pi, p in enumerate(doc.papers) if p.title]
    with pymupdf.open(pdf) as d:
        n_pages = d.page_count
        missing = set()
        text = "".join(p.get_text() for p in d)
    for rl in doc.lists.values():  # characters of the entries that the extracted text lacks
        for e in rl.entries:
            missing |= {c for c in e["raw"] if not c.isspace() and c not in text}
    if missing:
        raise RuntimeError(f"{pdf.name}: extracted text lacks characters {sorted(missing)}")
    refs = [e for pi in sorted(doc.lists) for e in doc.lists[pi].entries]
    spans = [p for pi in where for p in where[pi]]
    style = STYLES[doc.seed]
    latex_list = "thebibliography" if tool == "ieeetran" else style.numbered_list
    label = {"thebibliography": "[n]", "enumerate": "n."}[latex_list] if tool != "writer" else "n."
    return {
        "pdf": pdf.name,
        "tool": tool,
        "tool_version": version,
        "seed": doc.seed_file,
        "title": titled[0][1].title if titled else None,
        "authors": printed_authors(titled[0][1].authors_line) if titled else [],
        "references": [{"n": e["n"], "raw": e["raw"]} for e in refs],
        "reference_pages": [min(spans), max(spans)] if spans else None,
        "page_count": n_pages,
        "first_page_label": str(style.first_page),
        "papers": [
            {"title": p.title, "authors": printed_authors(p.authors_line), "fragment": p.title is None}
            for p in doc.papers
        ],
        "reference_lists": [
            {
                "paper": pi,
                "heading": rl.heading,
                "entries": len(rl.entries),
                "numbering": (
                    latex_list
                    if tool != "writer"
                    else "auto-numbered list"
                )
                if rl.numbered
                else "hanging indent, unnumbered",
                "label": label if rl.numbered else None,
                "pages": where[pi],
            }
            for pi, rl in sorted(doc.lists.items())
        ],
    }


# ---------------------------------------------------------------- main


def tool_version(tool: str) -> str:
    exe = {"xelatex": "xelatex", "ieeetran": "xelatex", "elsarticle": "xelatex", "writer": "soffice"}[tool]
    if shutil.which(exe) is None:
        hint = {
            "xelatex": "apt-get install texlive-xetex texlive-lang-cyrillic texlive-latex-extra "
            "texlive-fonts-recommended fonts-cmu fonts-paratype",
            "ieeetran": "apt-get install texlive-xetex texlive-lang-cyrillic texlive-publishers fonts-cmu",
            "elsarticle": "apt-get install texlive-xetex texlive-lang-cyrillic texlive-publishers fonts-cmu",
            "writer": "apt-get install libreoffice-writer-nogui fonts-liberation2",
        }[tool]
        raise SystemExit(f"error: {exe} not found on PATH; {tool} fixtures need it ({hint})")
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, errors="replace", timeout=120)
    return r.stdout.strip().splitlines()[0]


def check_fonts(tools: list[str], seeds: list[str]) -> None:
    want = {STYLES[s].latex_font for s in seeds} if {"xelatex", "elsarticle"} & set(tools) else set()
    want |= {"CMU Serif"} if "ieeetran" in tools else set()
    want |= {WRITER_FONT} if "writer" in tools else set()
    if not want:
        return
    r = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True)
    have = {f.strip() for line in r.stdout.splitlines() for f in line.split(",")}
    lacking = sorted(want - have)
    if lacking:
        raise SystemExit(
            f"error: fonts not installed: {lacking} (fonts-cmu, fonts-paratype, fonts-liberation2)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "typeset")
    parser.add_argument(
        "--tools", default="xelatex,ieeetran,elsarticle,writer", help="comma-separated: xelatex, ieeetran, elsarticle, writer"
    )
    parser.add_argument("--only", default=None, help="comma-separated seed numbers, e.g. 000,002")
    parser.add_argument("--keep-sources", type=Path, default=None, help="also keep the .tex/.fodt here")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"seeds directory not found: {args.seeds}", file=sys.stderr)
        return 1
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for t in tools:
        if t not in ("xelatex", "ieeetran", "elsarticle", "writer"):
            parser.error(f"unknown tool {t}")
    files = sorted(f for f in args.seeds.glob("*.txt") if f.name[:3] in STYLES)
    if args.only:
        files = [f for f in files if f.name[:3] in args.only.split(",")]
    versions = {t: tool_version(t) for t in tools}
    check_fonts(tools, [f.name[:3] for f in files])
    args.out.mkdir(parents=True, exist_ok=True)
    runners = {
        "xelatex": run_xelatex,
        "ieeetran": lambda doc, pdf, work: run_xelatex(doc, pdf, work, "ieeetran"),
        "elsarticle": lambda doc, pdf, work: run_xelatex(doc, pdf, work, "elsarticle"),
        "writer": run_writer,
    }
    with tempfile.TemporaryDirectory(prefix="kb_typeset_") as tmp:
        work = Path(tmp)
        for f in files:
            doc = load_doc(f)
            for tool in tools:
                pdf = args.out / f"{doc.seed}_{tool}.pdf"
                runners[tool](doc, pdf, work)
                truth = ground_truth(pdf, doc, tool, versions[tool])
                (args.out / f"{doc.seed}_{tool}.json").write_text(
                    json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
                size = pdf.stat().st_size // 1024
                print(
                    f"{pdf}: {truth['page_count']} pages, {size} KB, {len(truth['references'])} references"
                    f" on pages {truth['reference_pages']}"
                )
        if args.keep_sources:
            args.keep_sources.mkdir(parents=True, exist_ok=True)
            for src in list(work.glob("*.tex")) + list(work.glob("*.fodt")):
                shutil.copy(src, args.keep_sources / src.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
