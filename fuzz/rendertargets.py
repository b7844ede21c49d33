"""The fuzz targets of the renderers: Markdown escaping (`compiler/report/markdown.py` and the
report's Mermaid picture) and diagnostics as text, json, github and sarif, whose excerpt is read
through the bounded reader. Registered in `fuzz/targets.py`; no atheris here either.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from compiler.cli import formats
from compiler.report import markdown, site
from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.source import Span

_BREAKS = ("\n", "\r", "\u2028", "\u2029")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SECRET = "GEHEIM-BUITEN-DE-BOOM"


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------ markdown


def run_markdown(data: bytes) -> None:
    """Bytes as a title, a quote and the lines of a trigger's why, through every Markdown
    context; each result must stay in its place.
    """
    text = _text(data)
    _check_inline(text)
    _check_mermaid(text)
    _check_code_block(text.split("\x00"))


def _check_inline(text: str) -> None:
    shown = markdown.inline(text)
    assert not any(b in shown for b in _BREAKS), "a line break in inline Markdown"
    bare = re.sub(r"\\.", "", shown)  # what is left once every escaped character is taken out
    assert not any(char in bare for char in markdown._MARKUP), f"unescaped markup in {shown!r}"


def _check_mermaid(text: str) -> None:
    block = site._mermaid(("doel_x", text), [("bron_y", text)], [("gevolg_z", text[::-1])]).split(
        "\n"
    )
    fence = block[0].removesuffix("mermaid")
    assert len(fence) >= 3 and set(fence) == {"`"} and block[-1] == fence
    assert len(block) == 6, "a label split the picture over more lines"
    for line in block[2:-1]:
        assert "`" not in line and line.count('"') == 2, f"a label left its quotes: {line!r}"


def _check_code_block(lines: list[str]) -> None:
    block = markdown.code_block(lines).split("\n")
    fence = block[0]
    assert len(block) == len(lines) + 2 and block[-1] == fence
    assert not any(line.startswith(fence) for line in block[1:-1]), "a line closes the block"


def markdown_seeds() -> list[tuple[str, bytes]]:
    """Titles of the bundled policy and hostile samples (fences, images, table rows, headings)."""
    from fuzz.targets import bundled_policy

    titles = sorted({d.node.title for d in bundled_policy().declarations.values()})[:200]
    hostile = [
        'x\n```\n![p](https://evil.example/p.png)\n"]\n',
        "| a | b |\n|---|---|\n# kop\r\n- lijst",
        "`` ` ```` \u2028 <script> #quot; \x1b[2J",
    ]
    return [(f"title-{n}", t.encode()) for n, t in enumerate(titles + hostile)]


def markdown_dictionary() -> list[bytes]:
    return [b"```", b"`", b"![", b"](", b"|", b"\n", b"\r\n", b"#", b'"]', b"#quot;", b"<br>"]


# ------------------------------------------------------------------------------ diagnostic text


@functools.cache
def _renderer_tree() -> Path:
    from fuzz.targets import workspace

    root = workspace() / "render"
    (root / "repo" / ".git").mkdir(parents=True)
    (root / "buiten").mkdir()
    (root / "buiten" / "geheim.policy").write_text(SECRET + "\n", encoding="utf-8")
    return root


def run_diagnostic_text(data: bytes) -> None:
    """Byte 0 makes the file a diagnostic names a regular file (the rest is its text), a link out
    of the repository or a FIFO; bytes 1-2 pick the line and column, the rest is also the
    message. Every format renders; the text has no raw control character, shows nothing from
    outside the repository and never waits on the FIFO.
    """
    mode, line, column = (data + b"\x00\x00\x00")[:3]
    body = data[3:]
    path = _renderer_tree() / "repo" / "d.policy"
    _make(path, mode % 3, body)
    message = _text(body[:300])
    span = Span(str(path), 1 + line % 8, 1 + column % 40, 1 + line % 8, 2 + column % 60)
    d = Diagnostic(codes.INVALID_CHOICE, span, message, hint=message[::-1] or None)
    formats._file_lines.cache_clear()
    text = formats.render([d], "text")
    assert not _CONTROL.search(text), "a raw control character in the text output"
    assert SECRET not in text, "the renderer read through a link out of the repository"
    for fmt in ("json", "sarif"):
        json.loads(formats.render([d], fmt))
    formats.render([d], "github")


def _make(path: Path, mode: int, body: bytes) -> None:
    if path.is_symlink() or path.exists():
        path.unlink()
    if mode == 0:
        path.write_bytes(body)
    elif mode == 1:
        path.symlink_to(path.parent.parent / "buiten" / "geheim.policy")
    else:
        os.mkfifo(path)


def diagnostic_seeds() -> list[tuple[str, bytes]]:
    return [
        ("regular", b'\x00\x00\x04doel x "Titel" {\n    indicator nh3_landbouw\n}\n'),
        ("escape", b'\x00\x01\x02actor a "\x1b[2J\x1b]0;titel\x07" {\n}\n'),
        ("link-out", b"\x01\x00\x00zie buiten"),
        ("fifo", b"\x02\x00\x00wacht"),
    ]
