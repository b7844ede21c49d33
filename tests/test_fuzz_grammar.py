"""Grammar-derived rule text (hypothesis `from_lark` over dsl/policy.lark) through the whole
toolchain: the checker in a policy tree, the formatter, and the semantic diff.

tests/test_properties.py already sends generated text through `compile_text` on its own and renders
the diagnostics. Here every terminal is drawn with a space before it (so a keyword is not glued to
the name after it and the text mostly parses as generated), comments end their line, and the
properties are about what the other tools promise:

- the checker, run with the base fixture's tree around the file, locates every diagnostic inside it;
- `fmt` refuses exactly the texts the checker cannot parse; its output parses to the same
  declarations, draws the same diagnostics, keeps every comment, and formats to itself;
- a version and its formatted self differ in nothing (`diff_policies` is empty);
- every field value `diff` renders back as rule text parses to a value that renders the same;
- adding one generated declaration to a clean tree diffs as that one addition (or a change of the
  declaration it replaces), and the Markdown and JSON of that diff render.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from compiler.check.pipeline import compile_modules
from compiler.diff.compare import diff_policies
from compiler.diff.guards import guard_errors
from compiler.diff.printer import render_value
from compiler.diff.render import render_markdown, to_json
from compiler.workflow.fmt import FormatError, format_text
from dsl.diagnostics import Diagnostics
from dsl.parser import bare_parser, parse_file, parse_text
from dsl.source import SourceFile
from tests.conftest import BASE

PATH = str(
    BASE / "generated.policy"
)  # never written: a display path, so `bestand` resolves in the tree
CONTEXT = parse_file(BASE / "basis.policy", str(BASE / "basis.policy"), Diagnostics())
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Mostly printable ASCII, sometimes any character: `\d` in the grammar also matches other digits.
_ALPHABET = st.one_of(
    st.characters(min_codepoint=32, max_codepoint=126),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
)


def _spaced_terminals() -> dict[str, st.SearchStrategy[str]]:
    """Every terminal with one space before it; a comment with a line end after it."""
    strategies = {}
    for terminal in bare_parser().terminals:
        pattern = terminal.pattern
        if terminal.name == "COMMENT":
            strategies["COMMENT"] = st.from_regex(
                r"#[^\n]{0,20}", fullmatch=True, alphabet=_ALPHABET
            ).map(lambda text: f"  {text}\n")
        elif terminal.name == "WS":
            strategies["WS"] = st.sampled_from([" ", "\n", "\n\n", "\t", "\r\n"])
        elif pattern.type == "str":
            strategies[terminal.name] = st.just(" " + pattern.value)
        else:
            strategies[terminal.name] = st.from_regex(
                pattern.to_regexp(), fullmatch=True, alphabet=_ALPHABET
            ).map(lambda text: " " + text)
    return strategies


SPACED = _spaced_terminals()
FILES = from_lark(bare_parser(), start="start", explicit=SPACED)
DECLARATIONS = from_lark(bare_parser(), start="declaration", explicit=SPACED)


def check(text: str):
    """(module, diagnostics, compilation) of `text` checked with the base fixture's tree around it
    (the base file is left out when the text declares one of its ids, so it can stand in for it).
    """
    diags = Diagnostics()
    module = parse_text(SourceFile(PATH, text), diags)
    syntax_errors = diags.has_errors
    declared = {d.id.name for d in module.declarations}
    context = [] if declared & {d.id.name for d in CONTEXT.declarations} else [CONTEXT]
    compilation = compile_modules([*context, module], diags, [PATH])
    return module, diags, compilation, syntax_errors


def assert_located(diags: Diagnostics, text: str) -> None:
    lines = text.count("\n") + 1
    for d in diags:
        if d.span is not None and d.span.path == PATH:
            assert 1 <= d.span.line <= lines and d.span.column >= 1, (
                d.code.id,
                str(d.span),
                d.message,
            )


def comments(text: str) -> list[str]:
    """The `#` comments outside quotes, in order, without trailing whitespace."""
    import re

    return [
        m.group().rstrip() for m in re.finditer(r'"[^"]*"|#[^\n]*', text) if m.group()[0] == "#"
    ]


@SETTINGS
@given(FILES)
def test_generated_file_checks_in_a_tree_and_formats_to_the_same_meaning(text):
    module, diags, compilation, syntax_errors = check(text)
    assert_located(diags, text)
    try:
        formatted = format_text(text, PATH)
    except FormatError:
        assert syntax_errors, "fmt refuses a text the checker parses"
        event("does not parse")
        return
    assert not syntax_errors, "fmt formats a text the checker cannot parse"
    again, diags_again, compilation_again, errors_again = check(formatted)
    assert not errors_again
    assert again == module
    assert [d.code.id for d in diags_again.sorted()] == [d.code.id for d in diags.sorted()]
    assert comments(formatted) == comments(text)
    assert format_text(formatted, PATH) == formatted
    assert diff_policies(compilation.policy, compilation_again.policy).is_empty
    event("checks clean" if not diags.has_errors else "parses, with check errors")


def _roundtrip(kind: str, keyword: str, value) -> None:
    written = render_value(keyword, value)
    snippet = f"{kind} x {{\n    {keyword} {written}\n}}\n"
    diags = Diagnostics()
    module = parse_text(SourceFile("roundtrip.policy", snippet), diags)
    assert not diags.has_errors, (snippet, [d.message for d in diags])
    (field,) = module.declarations[0].fields
    assert field.keyword == keyword
    assert render_value(keyword, field.value) == written, snippet
    assert render_value(keyword, field.value, canonical=True) == render_value(
        keyword, value, canonical=True
    )


@SETTINGS
@given(DECLARATIONS)
def test_diff_writes_every_generated_value_back_as_rule_text(text):
    diags = Diagnostics()
    module = parse_text(SourceFile("generated.policy", text), diags)
    if diags.has_errors:
        event("does not parse")
        return
    for declaration in module.declarations:
        for field in declaration.fields:
            _roundtrip(declaration.kind, field.keyword, field.value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DECLARATIONS)
def test_one_generated_declaration_added_to_a_clean_tree_diffs_as_one_change(text):
    diags = Diagnostics()
    added = parse_text(SourceFile(PATH, text), diags)
    if diags.has_errors or not added.declarations:
        event("does not parse")
        return
    base = compile_modules([CONTEXT], Diagnostics(), [])
    head = compile_modules([CONTEXT, added], Diagnostics(), [])
    (new,) = added.declarations
    changes = diff_policies(base.policy, head.policy)
    if new.id.name in base.policy.declarations:
        event("redeclares a base id")  # a duplicate: the head keeps one of the two
        assert not changes.added and not changes.removed
    else:
        assert (
            [e.id for e in changes.added] == [new.id.name]
            and not changes.removed
            and not changes.changed
        )
    guards = guard_errors(changes, base.policy, head.policy)
    render_markdown(changes, None, guards)
    json.dumps(to_json(changes, None, guards))
