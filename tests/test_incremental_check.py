"""Incremental checking (compiler/check/memo.py, as the language server runs it) gives exactly the
diagnostics and the checked policy of a full `beleid check`, after every edit of random sequences
applied to a copy of the bundled policy tree: numbers changed, ids renamed (breaking the names other
files use) and renamed back, declarations added and removed, syntax broken, source texts changed.
The memo is invalidated by a change to any file, and after an edit to one file only that file's
declarations run the per-file passes again (counted, not timed).
"""

from __future__ import annotations

import os
import re
import shutil
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.check.memo import CheckMemo
from compiler.check.pipeline import Compilation, compile_paths
from compiler.lsp.workspace import ModuleCache, compile_parsed, rule_files
from dsl import Diagnostics, SourceFile, codes, parse_text

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policy"
NUMBER = re.compile(r"\d+")
JUNK = ["{", "}", '"', "regel", "\n", " ", "doel", "1", "(", "bron", ":"]


class Session:
    """A copy of the bundled tree, checked the way the language server checks it: one module
    cache and one memo for the whole session, some files open (their text given, not read).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules = ModuleCache()
        self.memo = CheckMemo()
        self.open: dict[str, str] = {}

    def write(self, name: str, text: str, keep_open: bool) -> None:
        Path(name).write_text(text, encoding="utf-8")
        if keep_open:
            self.open[name] = text
        else:
            self.open.pop(name, None)
            self.modules.forget_text(name)

    def incremental(self) -> Compilation:
        parsed = [
            self.modules.from_text(n, self.open[n]) if n in self.open else self.modules.from_disk(n)
            for n in sorted(set(rule_files(self.root)) | set(self.open))
        ]
        return compile_parsed(parsed, self.memo)

    def full(self) -> Compilation:
        return compile_paths([str(self.root)])


def assert_same(incremental: Compilation, full: Compilation) -> None:
    assert list(incremental.diagnostics) == list(full.diagnostics)
    assert incremental.policy == full.policy
    assert incremental.files == full.files


def copy_tree(into: str) -> Path:
    root = Path(into).resolve() / "policy"
    shutil.copytree(POLICY, root)
    return root


def declarations(name: str, text: str):
    return parse_text(SourceFile(name, text), Diagnostics()).declarations


# the edits: each takes the session, the file's name and text, and hypothesis' data; returns the
# new text of the file (or None when it wrote something else, a source text)


def change_number(session, name, text, data):
    found = list(NUMBER.finditer(text))
    if not found:
        return text
    match = data.draw(st.sampled_from(found))
    number = data.draw(st.integers(0, 3000))
    return text[: match.start()] + str(number) + text[match.end() :]


def rename_id(session, name, text, data):
    decls = declarations(name, text)
    if not decls:
        return text
    ident = data.draw(st.sampled_from(decls)).id
    return text[: ident.span.start] + ident.name + "_anders" + text[ident.span.end :]


def remove_declaration(session, name, text, data):
    decls = declarations(name, text)
    if not decls:
        return text
    span = data.draw(st.sampled_from(decls)).span
    return text[: span.start] + text[span.end :]


def add_declaration(session, name, text, data):
    donor = data.draw(st.sampled_from(sorted(POLICY.rglob("*.policy"))))
    donor_text = donor.read_text(encoding="utf-8")
    decls = declarations(str(donor), donor_text)
    if not decls:
        return text
    decl = data.draw(st.sampled_from(decls))
    copied = donor_text[decl.span.start : decl.span.end]
    if data.draw(st.booleans()):  # a new id; otherwise a duplicate of the donor's
        start = decl.id.span.start - decl.span.start
        copied = (
            copied[:start] + decl.id.name + "_kopie" + copied[decl.id.span.end - decl.span.start :]
        )
    return text + "\n" + copied + "\n"


def break_syntax(session, name, text, data):
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        return text[:at] + data.draw(st.sampled_from(JUNK)) + text[at:]
    return text[:at] + text[at + data.draw(st.integers(1, 40)) :]


def revert(session, name, text, data):
    return (POLICY / Path(name).relative_to(session.root)).read_text(encoding="utf-8")


def change_source(session, name, text, data):
    source = data.draw(st.sampled_from(sorted((session.root / "sources").glob("*.txt"))))
    lines = source.read_text(encoding="utf-8").split("\n")
    at = data.draw(st.integers(0, len(lines) - 1))
    if data.draw(st.booleans()):
        del lines[at]  # every later line moves up one
    else:
        lines[at] = lines[at][::-1]
    source.write_text("\n".join(lines), encoding="utf-8")
    return None


EDITS = [
    change_number,
    rename_id,
    remove_declaration,
    add_declaration,
    break_syntax,
    revert,
    change_source,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_incremental_check_equals_full_check_after_every_edit(data):
    with tempfile.TemporaryDirectory() as into:
        session = Session(copy_tree(into))
        names = rule_files(session.root)
        assert_same(session.incremental(), session.full())
        for _ in range(data.draw(st.integers(1, 6), label="edits")):
            edit = data.draw(st.sampled_from(EDITS))
            name = data.draw(st.sampled_from(names))
            text = session.open.get(name) or Path(name).read_text(encoding="utf-8")
            changed = edit(session, name, text, data)
            if changed is not None:
                session.write(name, changed, keep_open=data.draw(st.booleans()))
            assert_same(session.incremental(), session.full())


def test_renaming_an_id_breaks_other_files_and_renaming_back_fixes_them(tmp_path):
    session = Session(copy_tree(str(tmp_path)))
    name = str(session.root / "stikstof" / "indicatoren.policy")
    original = Path(name).read_text(encoding="utf-8")
    clean = session.incremental()
    used_elsewhere = {
        n for r in clean.policy.references if r.span.path != name for n in (r.source, r.target)
    }
    ident = next(d.id for d in declarations(name, original) if d.id.name in used_elsewhere)
    broken = original[: ident.span.start] + "hernoemd" + original[ident.span.end :]
    session.write(name, broken, keep_open=True)
    after = session.incremental()
    assert_same(after, session.full())
    unknown = {d.span.path for d in after.diagnostics if d.code is codes.UNKNOWN_REFERENCE}
    elsewhere = unknown - {name}
    assert elsewhere, "the old name is used in other files, which must now report it unknown"
    session.write(name, original, keep_open=True)
    assert list(session.incremental().diagnostics) == list(clean.diagnostics)


def test_a_changed_source_text_invalidates_the_quotes_checked_against_it(tmp_path):
    session = Session(copy_tree(str(tmp_path)))
    before = session.incremental()
    assert not [d for d in before.diagnostics if d.code.id in ("P205", "P206")]
    source = sorted((session.root / "sources").glob("*.txt"))[0]
    stat = source.stat()
    text = source.read_text(encoding="utf-8")
    # the same size and modification time, other words: only the content tells
    swap = str.maketrans(string.ascii_letters, string.ascii_letters.swapcase())
    source.write_text(text.translate(swap), encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = session.incremental()
    assert [d for d in after.diagnostics if d.code is codes.QUOTE_NOT_FOUND]
    assert_same(after, session.full())


def test_a_rule_file_changed_on_disk_is_read_again_whatever_its_time_stamp(tmp_path):
    session = Session(copy_tree(str(tmp_path)))
    session.incremental()
    name = str(session.root / "stikstof" / "doelen.policy")
    path = Path(name)
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    ident = declarations(name, text)[0].id
    # an id of the same length, so the size and the modification time stay what they were
    renamed = text[: ident.span.start] + "x" * len(ident.name) + text[ident.span.end :]
    path.write_text(renamed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = session.incremental()
    assert "x" * len(ident.name) in after.policy.declarations
    assert_same(after, session.full())


def test_an_edit_to_one_file_runs_the_per_file_passes_for_that_file_only(tmp_path):
    session = Session(copy_tree(str(tmp_path)))
    session.incremental()
    assert session.memo.hits == 0
    untouched = session.incremental()
    assert session.memo.misses == 0 and session.memo.hits > 0
    name = str(session.root / "stikstof" / "doelen.policy")
    text = Path(name).read_text(encoding="utf-8")
    session.write(name, text + "\n", keep_open=True)  # a new text: the file's results are stale
    edited = session.incremental()
    own = len(declarations(name, text))
    # the file's titles, and its declarations' fields and quotes; everything else replayed
    assert 0 < session.memo.misses <= 1 + 2 * own
    assert session.memo.hits >= 2 * (len(untouched.policy.declarations) - own)
    assert list(edited.diagnostics) == list(untouched.diagnostics)
