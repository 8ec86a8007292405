"""`kb mcp` through the SDK's own stdio client: the tools return exactly what the CLI's --json prints."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import cli_json, run_cli
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TOOLS = {"search", "evidence", "paper", "refs", "bib"}
RU_QUERY = "какие барьеры мешают МСП внедрять цифровые технологии"
RECS = ["Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие между партнёрами.",
        "Exporting SMEs should rely on specialised export platforms for routine operational work.",
        "Exporting SMEs should hedge currency risk with forward contracts."]  # the last one has no support


def mcp_session(kb_dir: Path, calls: list[tuple[str, dict] | Callable[[], Any]]) -> tuple[list[Any], list[Any]]:
    """Spawn `python -m kb --kb-dir KB mcp`, list its tools, make the calls in order, and stop it.

    A callable among the calls runs in between (e.g. an ingest while the server runs).
    """
    env = {k: v for k, v in os.environ.items() if k.startswith(("KB_", "XDG_", "PYTHON", "HOME"))}
    params = StdioServerParameters(command=sys.executable, args=["-m", "kb", "--kb-dir", str(kb_dir), "mcp"],
                                   env=env, cwd=os.getcwd())  # same cwd: `source` paths print the same

    async def session() -> tuple[list[Any], list[Any]]:
        with anyio.fail_after(300):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                tools = (await client.list_tools()).tools
                results = []
                for call in calls:
                    if callable(call):
                        call()
                    else:
                        results.append(await client.call_tool(*call))
                return tools, results

    return anyio.run(session)


def cli_text(kb_dir: Path, *args: str) -> str:
    result = run_cli(kb_dir, *args)
    assert result.exit_code == 0, result.output
    return result.stdout.removesuffix("\n")  # click.echo's newline; a BibTeX file's own one stays


def text_of(result) -> str:
    assert not result.is_error, result.content
    assert len(result.content) == 1 and result.content[0].type == "text"
    return result.content[0].text


def payload(result) -> Any:
    """The tool's JSON, checked to be the same in its text and its structured content."""
    data = json.loads(text_of(result))
    structured = result.structured_content
    assert structured == (data if isinstance(data, dict) else {"result": data})
    return data


def error_of(result) -> str:
    assert result.is_error, result.content
    message = result.content[0].text
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.fixture(scope="module")
def ids(sample_kb) -> dict[str, int]:
    papers = cli_json(sample_kb, "papers")
    refs = cli_json(sample_kb, "refs")
    titled = [p["id"] for p in papers if p["title"]]
    assert titled and refs
    return {"paper": titled[0], "with_refs": refs[0]["paper_id"], "other": titled[-1]}


CALLS: list[tuple[str, str, dict]] = [  # (key, tool, arguments); errors come before calls that must still work
    ("unknown_paper", "paper", {"paper_id": 99999}),
    ("unknown_refs", "refs", {"paper_id": 99999}),
    ("bad_year", "search", {"query": "cooperation", "year": "20x"}),
    ("unknown_bib_paper", "bib", {"papers": [99999]}),
    ("unknown_search_paper", "search", {"query": "cooperation", "paper": 99999}),
    ("search_ru", "search", {"query": RU_QUERY, "k": 5}),
    ("search_filtered", "search", {"query": "cooperation", "k": 3, "mode": "lexical", "lang": "en",
                                   "year": "2020-", "style": "apa"}),
    ("search_lang", "search", {"query": RU_QUERY, "k": 5, "lang": "ru"}),
    ("search_author", "search", {"query": "cooperation", "k": 3, "author": "илькевич"}),
    ("search_topic", "search", {"query": "стоимость оборудования", "k": 8,
                                "topic": ["coop.shared_equipment", "joint_procurement"]}),
    ("evidence", "evidence", {"recommendations": RECS, "k": 1}),
    ("evidence_one", "evidence", {"recommendations": RECS[0], "style": "apa"}),
    ("bib_gost", "bib", {}),
    ("bib_apa_cited", "bib", {"cited": True, "style": "apa"}),
    ("bib_bibtex", "bib", {"format": "bibtex"}),
    ("bib_csl", "bib", {"format": "csl-json", "cited": True}),
]


@pytest.fixture(scope="module")
def served(sample_kb, ids) -> tuple[list[Any], dict[str, Any]]:
    """One server process for every call of this module (the embedder loads once)."""
    calls = [(tool, args) for _, tool, args in CALLS]
    calls += [("paper", {"paper_id": ids["paper"]}), ("refs", {"paper_id": ids["with_refs"]}),
              ("bib", {"papers": [ids["other"], ids["paper"]]})]
    tools, results = mcp_session(sample_kb, calls)
    keys = [key for key, _, _ in CALLS] + ["paper", "refs", "bib_papers"]
    return tools, dict(zip(keys, results, strict=True))


def test_lists_the_five_tools_with_described_parameters(served):
    tools, _ = served
    assert {t.name for t in tools} == TOOLS
    by_name = {t.name: t for t in tools}
    assert {"query", "k", "mode", "lang", "year", "author", "topic"} <= set(by_name["search"].input_schema["properties"])
    assert {"recommendations", "k", "style"} <= set(by_name["evidence"].input_schema["properties"])
    assert {"papers", "cited", "format", "style"} <= set(by_name["bib"].input_schema["properties"])
    for t in tools:
        assert t.description and t.annotations.read_only_hint
        for name, prop in t.input_schema["properties"].items():
            assert prop.get("description"), f"{t.name}.{name} has no description"
    assert by_name["paper"].input_schema["required"] == ["paper_id"]
    assert by_name["refs"].input_schema["required"] == ["paper_id"]


def test_search_is_the_cli_json(served, sample_kb):
    _, got = served
    assert text_of(got["search_ru"]) == cli_text(sample_kb, "search", RU_QUERY, "-k", "5", "--json")
    assert payload(got["search_filtered"]) == cli_json(
        sample_kb, "search", "cooperation", "-k", "3", "--mode", "lexical", "--lang", "en", "--year", "2020-",
        "--style", "apa")
    assert payload(got["search_lang"]) == cli_json(sample_kb, "search", RU_QUERY, "-k", "5", "--lang", "ru")
    assert payload(got["search_author"]) == cli_json(sample_kb, "search", "cooperation", "-k", "3", "--author",
                                                     "илькевич")
    assert payload(got["search_topic"]) == cli_json(
        sample_kb, "search", "стоимость оборудования", "-k", "8", "--topic", "coop.shared_equipment", "--topic",
        "joint_procurement")


def test_russian_query_finds_english_passages_with_citation_and_page(served):
    _, got = served
    hits = payload(got["search_ru"])
    assert len(hits) == 5
    english = [h for h in hits if h["lang"] == "en"]
    assert english, [h["lang"] for h in hits]
    for h in english:
        assert h["text"] and h["citation"] and h["pages"]["first"]
        assert h["pages"]["first"] in h["citation"]  # the citation names the printed page
        assert h["paper"]["title"]


def test_filters_are_applied(served, sample_kb):
    _, got = served
    filtered = payload(got["search_filtered"])
    assert filtered and all(h["lang"] == "en" and h["paper"]["year"] >= 2020 for h in filtered)
    russian = payload(got["search_lang"])
    assert len(russian) == 5 and all(h["lang"] == "ru" for h in russian)  # unfiltered, English ones lead
    by_author = payload(got["search_author"])
    assert by_author and all(any("илькевич" in a.casefold() for a in h["paper"]["authors"]) for h in by_author)
    assert by_author != cli_json(sample_kb, "search", "cooperation", "-k", "3")
    topical = payload(got["search_topic"])
    assert 0 < len(topical) < len(cli_json(sample_kb, "search", "стоимость оборудования", "-k", "8"))


def test_evidence_is_the_cli_json(served, sample_kb, tmp_path):
    _, got = served
    recs = tmp_path / "recs.txt"
    recs.write_text("\n".join(RECS) + "\n", encoding="utf-8")
    expected = cli_json(sample_kb, "evidence", "--file", str(recs), "-k", "1")
    data = payload(got["evidence"])
    assert data == expected
    assert [r["recommendation"] for r in data["recommendations"]] == RECS
    assert [r["found"] for r in data["recommendations"]] == [True, True, False]
    quotes = [q for r in data["recommendations"] for q in r["quotes"]]
    assert quotes
    for q in quotes:
        assert q["quote"] and q["pages"] and q["source"] and q["ref"] in {r["n"] for r in data["references"]}
    assert text_of(got["evidence_one"]) == cli_text(sample_kb, "evidence", RECS[0], "--style", "apa", "--json")


def test_paper_and_refs_are_the_cli_json(served, sample_kb, ids):
    _, got = served
    assert text_of(got["paper"]) == cli_text(sample_kb, "show", str(ids["paper"]), "--json")
    assert payload(got["paper"])["passages"]
    refs = payload(got["refs"])
    assert refs and refs == cli_json(sample_kb, "refs", "--paper", str(ids["with_refs"]))


def test_bib_is_the_cli_output(served, sample_kb, ids):
    _, got = served
    assert text_of(got["bib_gost"]) == cli_text(sample_kb, "bib", "--format", "gost")
    assert text_of(got["bib_apa_cited"]) == cli_text(sample_kb, "bib", "--cited", "--format", "apa")
    assert text_of(got["bib_bibtex"]) == cli_text(sample_kb, "bib", "--format", "bibtex")
    csl = got["bib_csl"]
    assert text_of(csl) == cli_text(sample_kb, "bib", "--cited", "--format", "csl-json")
    assert csl.structured_content == {"result": json.loads(text_of(csl))}
    # only the papers asked for, in a GOST list's alphabetical order
    entries = text_of(got["bib_papers"]).splitlines()
    everything = text_of(got["bib_gost"]).splitlines()
    assert len(entries) == 2 and len(everything) > 2
    titles = {p["id"]: p["title"] for p in cli_json(sample_kb, "papers")}
    for pid in (ids["other"], ids["paper"]):
        assert sum(titles[pid].casefold() in e.casefold() for e in entries) == 1


def test_errors_are_one_line_tool_errors(served):
    _, got = served
    assert "no paper with id 99999" in error_of(got["unknown_paper"])
    assert "no paper with id 99999" in error_of(got["unknown_refs"])
    assert "no paper with id 99999" in error_of(got["unknown_bib_paper"])
    assert "no paper with id 99999" in error_of(got["unknown_search_paper"])
    assert "year: expected 2020, 2018-2022" in error_of(got["bad_year"])
    assert payload(got["search_ru"])  # the server kept serving after the errors


def test_missing_knowledge_base_is_a_tool_error(tmp_path):
    missing = tmp_path / "nothing-here"
    _, (search, paper) = mcp_session(missing, [("search", {"query": "cooperation"}), ("paper", {"paper_id": 1})])
    assert "no knowledge base at" in error_of(search)
    assert "no knowledge base at" in error_of(paper)
    assert not missing.exists()  # looking is not creating


def test_sees_what_is_ingested_while_it_runs(tmp_path):
    kb, folder = tmp_path / "kb", tmp_path / "in"
    folder.mkdir()

    def ingest(name: str, text: str) -> None:
        (folder / name).write_text(text, encoding="utf-8")
        assert run_cli(kb, "ingest", "-q", str(folder)).exit_code == 0

    ingest("a.txt", "Shared equipment pools let small firms rent expensive CNC machines by the hour.")
    query = {"query": "пчеловодческие кооперативы и урожай мёда", "k": 1, "mode": "dense"}
    _, (before, after) = mcp_session(kb, [
        ("search", query),
        lambda: ingest("b.txt", "Beekeeping cooperatives raise the honey yield of every hive when members "
                                "share extractors and know-how."),
        ("search", query),
    ])
    assert "CNC" in payload(before)[0]["text"]
    assert "Beekeeping" in payload(after)[0]["text"]  # the dense index was reopened, no restart
