"""compiler/diff/printer.py: field values written back as rule text parse to the same value, and
the comparison built on it ignores layout (hypothesis).
"""

from __future__ import annotations

import dataclasses
import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.check.pipeline import compile_paths, compile_text
from compiler.diff.compare import diff_policies
from compiler.diff.printer import render_value
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_text
from dsl.source import SourceFile
from tests.conftest import BASE, FIXTURES

COMPLETE = FIXTURES / "valid" / "complete.policy"


# ------------------------------------------------------------------------ rendering round trip


def _roundtrip(decl) -> object:
    node = decl.node
    title = f' "{" ".join(node.title.split())}"' if node.title is not None else ""
    body = "\n".join(
        f"    {f.keyword} {render_value(f.keyword, f.value)}".rstrip() for f in node.fields
    )
    diags = Diagnostics()
    module = parse_text(
        SourceFile("<roundtrip>", f"{node.kind} {node.id.name}{title} {{\n{body}\n}}\n"), diags
    )
    assert not list(diags), [d.message for d in diags]
    return module.declarations[0]


def _squash(value):
    """A copy of a syntax node with runs of whitespace in its texts collapsed."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, tuple):
        return tuple(_squash(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value,
            **{
                f.name: _squash(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.compare
            },
        )
    return value


def test_values_render_back_in_the_rule_language(bundled_policy):
    fixture = compile_paths([str(BASE), str(COMPLETE)]).policy
    declarations = [*bundled_policy.declarations.values(), *fixture.declarations.values()]
    for decl in declarations:
        assert _squash(_roundtrip(decl)) == _squash(decl.node), decl.id
    exact = sum(1 for d in declarations if _roundtrip(d) == d.node)
    assert exact >= len(declarations) - 5  # the rest differ only in whitespace inside a quote


BASIS = (BASE / "basis.policy").read_text(encoding="utf-8")


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """(header, field lines) per declaration of a file whose fields sit one per line."""
    return [
        (m.group(1), m.group(2).strip("\n").split("\n"))
        for m in re.finditer(r"^(\w+ \w+(?: \"[^\"]*\")? \{)\n(.*?)^\}", text, re.M | re.S)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.randoms(use_true_random=False),
    st.sampled_from(["\n", "\n\n", " ", "\t", "\n  # a comment\n"]),
)
def test_layout_and_field_order_never_change_the_meaning(rnd: random.Random, gap: str):
    blocks = _blocks(BASIS)
    rnd.shuffle(blocks)
    out = []
    for header, lines in blocks:
        fields = [" ".join(line.split()) for line in lines]
        rnd.shuffle(fields)
        out.append(header + gap + gap.join(fields) + gap + "}")
    base = compile_text(BASIS).policy
    head = compile_text("\n# reshuffled\n".join(out)).policy
    assert diff_policies(base, head).is_empty


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(re.findall(r"(?<=[ \-])\d+(?:\.\d+)?(?= (?:kton|%|mln))", BASIS)),
    st.integers(min_value=1, max_value=9),
)
def test_one_changed_number_is_one_field_change(number: str, step: int):
    first = BASIS.index(f" {number} ") if f" {number} " in BASIS else BASIS.index(f"-{number} ")
    start = first + 1
    changed = str(float(number) + step).removesuffix(".0")
    head_text = BASIS[:start] + changed + BASIS[start + len(number) :]
    diff = diff_policies(compile_text(BASIS).policy, compile_text(head_text).policy)
    assert len(diff.changed) == 1 and not diff.added and not diff.removed
    assert changed in diff.changed[0].after


# ------------------------------------------------------------------------ calculations

CALCULATIONS = [
    "a - (b - c) > (a - b) - c",
    "-(a + b) * - 5 < - -5 + absoluut(-x / (y * z))",
    "a * (b + c) / d >= a / (b / c) en achterstand_procent(g) > 5 %",
    "- € 5 mln > x - 2.50 kton",
]


def _condition(text: str):
    diags = Diagnostics()
    module = parse_text(SourceFile("<calc>", f"trigger t {{\n    als {text}\n}}\n"), diags)
    assert not list(diags), [d.message for d in diags]
    return module.declarations[0].fields[0].value


def test_calculations_are_written_with_the_brackets_their_meaning_needs():
    for text in CALCULATIONS:
        condition = _condition(text)
        assert _condition(render_value("als", condition)) == condition, text
    assert render_value("als", _condition(CALCULATIONS[0])) == "a - (b - c) > a - b - c"
    canonical = [
        render_value("als", _condition(t), canonical=True) for t in ("x * 2.50 > y", "x * 2.5 > y")
    ]
    assert canonical[0] == canonical[1] == "x * 2.5 > y"
