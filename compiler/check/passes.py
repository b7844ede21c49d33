"""The per-file checking passes as the driver (pipeline.py) runs them, and `Passes`, the way it runs
them: every time, as `beleid check` does.

A per-file pass reads one module or one declaration and the few values named with it, never the
rest of the policy: the fields, vocabularies and values of a declaration; the English titles of a
rule file; the quotes of a declaration against the source texts it cites, and the numbers it states
against those quotes; its typed view. Reading a source text and building its canonical form (for
quote matching) are per-file too. Because their results depend on nothing else, a memo (memo.py, a
subclass of `Passes`) can keep them between checks; the driver calls every one of them through
`Passes`, so it stays the one place that says which checks run, and in which order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

from compiler.check import fields, viewbuilder
from compiler.check.citations import CanonicalText, CitationChecker, load_source
from compiler.check.englishtitles import check_english_titles
from compiler.check.identity import check_identity
from compiler.check.model import SourceText
from compiler.check.numbers import check_numbers
from compiler.check.views import View
from dsl import nodes
from dsl.diagnostics import Diagnostics


def module_titles(module: nodes.Module, diags: Diagnostics) -> None:
    """P410: the English titles of one rule file."""
    check_english_titles([module], diags)


def declaration_fields(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """The fields of one declaration: which are allowed and required, vocabularies, values, and a
    document's official identity (identity.py).
    """
    fields.check_fields(decl, diags)
    fields.check_vocabulary(decl, diags)
    fields.check_values(decl, diags)
    if decl.kind == "document":
        check_identity(decl, diags)


def quotes_and_numbers(
    decl: nodes.Declaration,
    diags: Diagnostics,
    sources: dict[str, SourceText],
    canonical: dict[str, CanonicalText],
    recorded: str,
) -> None:
    """The quotes of one declaration against its sources, then its numbers against its quotes
    (`recorded`: the text of the findings about it).
    """
    CitationChecker(sources, diags, canonical).check(decl)
    check_numbers(decl, diags, recorded)


class Passes:
    """Runs each per-file pass when the driver asks; keeps nothing (the memo overrides this)."""

    def per_module(
        self, run: Callable[[nodes.Module, Diagnostics], None], module: nodes.Module, diags
    ) -> None:
        run(module, diags)

    def per_declaration(
        self,
        run: Callable[..., None],
        decl: nodes.Declaration,
        diags: Diagnostics,
        depends: Hashable = (),
        *args: object,
    ) -> None:
        """`run(decl, diags, *args)`; `depends` is everything besides `decl` its result depends on
        (None: something that cannot be named, so it is never kept).
        """
        run(decl, diags, *args)

    def load_source(
        self, document: nodes.Declaration, declared_in: Path, diags: Diagnostics
    ) -> SourceText | None:
        return load_source(document, declared_in, diags)

    def view(self, decl: nodes.Declaration) -> View | None:
        """The typed view of one declaration (viewbuilder.py)."""
        return viewbuilder.view_of(decl)

    def canonical_texts(self, sources: dict[str, SourceText]) -> dict[str, CanonicalText]:
        """The canonical forms of `sources` built so far, by document (filled in as quotes are
        checked).
        """
        return {}

    def sources_key(self, sources: dict[str, SourceText]) -> Hashable:
        """What the quote checks depend on besides the declaration: the source texts loaded."""
        return None


DIRECT = Passes()
