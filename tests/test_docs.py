"""The docs stay true: every `policy` code block parses, and the examples in language.md come from
the policy.
"""

from __future__ import annotations

import re

import pytest

from compiler import compile_paths
from dsl import Diagnostics, SourceFile, parse_text
from tests.conftest import POLICY, ROOT

BLOCK = re.compile(r"```policy\n(.*?)```", re.S)
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def blocks():
    for doc in DOCS:
        for number, match in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8")), start=1):
            yield pytest.param(doc.name, match.group(1), id=f"{doc.name}-{number}")


@pytest.mark.parametrize("doc, text", list(blocks()))
def test_policy_blocks_parse(doc, text):
    diags = Diagnostics()
    module = parse_text(SourceFile(doc, text), diags)
    syntax = [d for d in diags if d.code.id < "P100"]
    assert not syntax, [(d.span.line, d.message) for d in syntax]
    assert module.declarations


def test_language_examples_are_declarations_of_the_bundled_policy():
    """Each example in language.md names a declaration that exists in policy/ with the same kind."""
    policy = compile_paths([str(POLICY)]).policy
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for block in BLOCK.findall(text):
        for decl in parse_text(SourceFile("language.md", block), Diagnostics()).declarations:
            found = policy.declarations.get(decl.id.name)
            assert found is not None, f"language.md example `{decl.id.name}` is not in policy/"
            assert found.kind == decl.kind


def test_source_findings_doc_is_in_sync():
    from compiler.workflow.docgen import findings_markdown

    on_disk = (ROOT / "docs" / "source-findings.md").read_text(encoding="utf-8")
    expected = findings_markdown(compile_paths([str(POLICY)]).policy, ROOT)
    assert on_disk == expected, (
        "run: python -m compiler.workflow.docgen findings > docs/source-findings.md"
    )


def test_readme_counts_match_the_policy():
    """The README's numbers of declarations and findings are the bundled policy's."""
    policy = compile_paths([str(POLICY)]).policy
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"as {len(policy.declarations)} declarations" in readme
    assert f"lists all {len(policy.of_kind('bevinding'))}." in readme
