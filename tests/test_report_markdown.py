"""Every field of the Markdown report escaped for its place (issue 20, item 8): a title with a
newline and backticks cannot close the Mermaid block or render a remote image, and newlines never
split a table row or a heading.
"""

from __future__ import annotations

import re

from compiler.report import markdown, site

HOSTILE = 'Doel\n```\n![p](https://evil.example/p.png)\n| a | b |\n# kop "x" <b>'


def test_title_with_newline_and_backticks_cannot_close_the_mermaid_block():
    block = site._mermaid(
        ("doel_x", HOSTILE), [("bron_y", HOSTILE)], [("gevolg_z", "Gevolg")]
    ).split("\n")
    fence = block[0].removesuffix("mermaid")
    assert set(fence) == {"`"} and block[-1] == fence
    inner = block[1:-1]
    assert inner[0] == "flowchart LR" and len(inner) == 4  # one line per node or edge
    assert not any(line.lstrip().startswith("`") for line in inner)
    assert "`" not in "\n".join(inner)  # so no Markdown string, and the image stays quoted text
    assert all(line.count('"') == 2 for line in inner[1:])  # each label one quoted string


def test_newlines_never_split_table_rows_or_headings():
    cell = markdown.inline(HOSTILE)
    assert "\n" not in cell and "\r" not in markdown.inline("a\r\nb\u2028c")
    row = f"| {cell} | 1 |"
    assert row.count("|") - row.count("\\|") == 3  # the cell's bars are escaped
    assert not re.search(r"(?<!\\)!\[|(?<!\\)\[", cell)  # no link or image can start
    assert markdown.inline("# kop").startswith("\\#")


def test_code_block_fence_is_longer_than_any_backtick_run_inside():
    block = markdown.code_block(["why: ```` closes?", "x"]).split("\n")
    assert block[0] == block[-1] == "`````"
    assert len(block) == 4


def test_a_newline_in_a_why_line_stays_inside_the_code_block():
    block = markdown.code_block(["a\n```\n![p](x)"]).split("\n")
    assert len(block) == 3 and block[0] == block[-1] == "````"
