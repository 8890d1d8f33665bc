"""Code comments cite the protocol facts they rely on in the project's own docs/protocol.md, at
sections that exist; nothing cites a document that is not in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = ROOT / "docs" / "protocol.md"
CITATION = re.compile(r"docs/protocol\.md#([\w-]+)")


def sources() -> list[Path]:
    return [
        path
        for folder in ("src", "fakes/src", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
    ]


def anchors() -> set[str]:
    """GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces to -."""
    headings = re.findall(r"^#+ (.+)$", PROTOCOL.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_cited_section_of_docs_protocol_md_exists() -> None:
    known = anchors()
    cited = {
        (path.relative_to(ROOT).as_posix(), anchor)
        for path in sources()
        for anchor in CITATION.findall(path.read_text())
    }
    assert cited, "no code cites docs/protocol.md"
    assert [(path, anchor) for path, anchor in sorted(cited) if anchor not in known] == []


def test_no_code_cites_a_protocol_file_outside_the_repository() -> None:
    stale = [
        path.relative_to(ROOT).as_posix()
        for path in sources()
        if re.search(r"(?<!docs/)PROTOCOL\.md", path.read_text())
    ]
    assert stale == []


def test_the_protocol_page_names_its_public_sources() -> None:
    text = PROTOCOL.read_text()
    for repository in (
        "Azure/azure-sdk-for-python",
        "Azure/azure-sdk-assets",
        "Azure/azureml-examples",
    ):
        assert repository in text
    assert "/work/" not in text and "/tmp/" not in text  # no machine path
