"""English titles: in a rule file that gives any declaration an English title (`titel_en`), every
declaration with a title should have one. Reports P410, a warning, at the title without one.

Every kind of declaration shows its title on reader pages (the handbook lists every declaration
under its theme), so every titled kind is asked for one. A file without any `titel_en` is a
Dutch-only draft and is left alone: the English report marks each title it lacks.
"""

from __future__ import annotations

from dsl import codes, nodes
from dsl.diagnostics import Diagnostics

ENGLISH_TITLE = "titel_en"


def check_english_titles(modules: list[nodes.Module], diags: Diagnostics) -> None:
    """Warn (P410) on each titled declaration without `titel_en` in a file that gives one."""
    for module in modules:
        if not any(decl.get(ENGLISH_TITLE) for decl in module.declarations):
            continue
        for decl in module.declarations:
            if decl.title is not None and decl.get(ENGLISH_TITLE) is None:
                _report_missing(decl, diags)


def _report_missing(decl: nodes.Declaration, diags: Diagnostics) -> None:
    diags.add(
        codes.ENGLISH_TITLE_MISSING,
        decl.title_span or decl.id.span,
        f"`{decl.id.name}` has no English title, while other declarations in this file have one",
        hint=(
            f'add `{ENGLISH_TITLE} "..."` directly after the opening line: a faithful English '
            "rendering of the title, with its numbers, units and dates as written"
        ),
    )
