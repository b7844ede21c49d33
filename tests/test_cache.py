"""The start-up caches (dsl/cache.py): Lark's tables and parsed rule files are reused when nothing
changed, rebuilt when the file, the grammar or the package version changed or an entry is damaged
or foreign, never used from a directory others may write to, and switched off on request; a run
from the cache reports exactly what a run without it reports.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.cli.main import main
from dsl import cache, parsecache
from dsl.grammar import GRAMMAR, build_parser, parser_cache_name
from tests.conftest import BASE

SNIPPET = 'doel extra_doel "Extra" {\n  waarde 5 kt\n}\n'
BROKEN = 'doel kapot "Kapot" {\n  waarde 5 kt\n  ??\n}\n\ndoel heel "Heel" { }\n'


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the base fixture with one file that has a syntax error."""
    root = tmp_path / "policy"
    shutil.copytree(BASE, root)
    (root / "kapot.policy").write_text(BROKEN, encoding="utf-8")
    return root


def _lark_log(caplog) -> str:
    return " ".join(record.getMessage() for record in caplog.records if record.name == "lark")


def _reported(compilation) -> list[tuple]:
    """Everything a diagnostic says, spans included, in the order the CLI prints them."""
    return [(d.code.id, d.span, d.message, d.hint, d.related) for d in compilation.diagnostics]


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("module-*.pickle"))


def test_lark_tables_are_written_once_then_loaded(cache_dir, caplog):
    caplog.set_level(logging.DEBUG, logger="lark")
    grammar = GRAMMAR.read_text(encoding="utf-8")
    directory = cache.private_directory()
    build_parser(grammar, directory)
    tables = directory / parser_cache_name(grammar)
    assert tables.is_file() and "Saving grammar to cache" in _lark_log(caplog)
    caplog.clear()
    parser = build_parser(grammar, directory)
    assert "Loading grammar from cache" in _lark_log(caplog)
    assert "Saving" not in _lark_log(caplog)
    assert parser.parse('doel a "A" { }\n') is not None


def test_a_changed_grammar_gets_its_own_tables(cache_dir):
    grammar = GRAMMAR.read_text(encoding="utf-8")
    directory = cache.private_directory()
    build_parser(grammar, directory)
    changed = grammar.replace("%import common.WS", "%import common.WS\n%ignore /\\/\\/[^\\n]*/")
    parser = build_parser(changed, directory)
    assert parser_cache_name(changed) != parser_cache_name(grammar)
    assert (directory / parser_cache_name(changed)).is_file()
    assert parser.parse('doel a "A" { } // a comment the changed grammar allows\n') is not None


def test_damaged_lark_tables_are_rebuilt_not_fatal(cache_dir, caplog):
    grammar = GRAMMAR.read_text(encoding="utf-8")
    directory = cache.private_directory()
    tables = directory / parser_cache_name(grammar)
    tables.write_bytes(b"not a pickle at all\n\x80\x04garbage")
    parser = build_parser(grammar, directory)
    assert parser.parse('doel a "A" { }\n') is not None
    caplog.set_level(logging.DEBUG, logger="lark")
    build_parser(grammar, directory)
    assert "Loading grammar from cache" in _lark_log(caplog)  # rewritten whole by the rebuild


def test_an_unusable_cache_directory_means_no_cache(tmp_path, monkeypatch, tree):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(cache.DIRECTORY_VARIABLE, str(blocker / "cache"))
    assert cache.private_directory() is None
    assert build_parser(GRAMMAR.read_text(encoding="utf-8"), None).parse('doel a "A" { }\n')
    assert compile_paths([str(tree)]).diagnostics.has_errors  # the syntax error, checked anyway


def test_a_directory_others_may_write_to_is_not_used(cache_dir, tree):
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o777)
    compile_paths([str(tree)])
    assert cache.private_directory() is None and _entries(cache_dir) == []


def test_an_unchanged_tree_checks_from_the_cache(cache_dir, tree):
    files = len(list(tree.rglob("*.policy")))
    compile_paths([str(tree)])
    assert cache.STATS["miss"] == files and cache.STATS["stored"] == files
    cache.STATS.clear()
    compile_paths([str(tree)])
    assert cache.STATS["hit"] == files and cache.STATS["miss"] == 0


def test_an_edited_file_misses_and_replaces_its_entry(cache_dir, tree):
    compile_paths([str(tree)])
    before = _entries(cache_dir)
    with (tree / "kapot.policy").open("a", encoding="utf-8") as file:
        file.write(SNIPPET)
    cache.STATS.clear()
    compilation = compile_paths([str(tree)])
    assert cache.STATS["miss"] == 1 and cache.STATS["hit"] == len(before) - 1
    assert _entries(cache_dir) == before
    assert "extra_doel" in compilation.policy.declarations


def test_diagnostics_are_identical_with_and_without_the_cache(cache_dir, tree, monkeypatch):
    cold = compile_paths([str(tree)])
    warm = compile_paths([str(tree)])
    assert cache.STATS["hit"] > 0
    monkeypatch.setenv(cache.SWITCH_VARIABLE, "0")
    uncached = compile_paths([str(tree)])
    assert any(d.code.id.startswith("P00") for d in cold.diagnostics)  # parse errors included
    assert _reported(cold) == _reported(warm) == _reported(uncached)
    assert sorted(warm.policy.declarations) == sorted(uncached.policy.declarations)
    unreadable = [d for d in warm.diagnostics if d.code.id == "P003"]
    assert unreadable == []


def test_a_damaged_entry_is_discarded_and_rebuilt(cache_dir, tree):
    expected = _reported(compile_paths([str(tree)]))
    for entry in _entries(cache_dir):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    cache.STATS.clear()
    assert _reported(compile_paths([str(tree)])) == expected
    assert cache.STATS["discarded"] == len(_entries(cache_dir)) and cache.STATS["hit"] == 0
    cache.STATS.clear()
    assert _reported(compile_paths([str(tree)])) == expected
    assert cache.STATS["hit"] == len(_entries(cache_dir))


def test_an_entry_others_may_write_to_is_discarded_unread(cache_dir, tree):
    compile_paths([str(tree)])
    entry = _entries(cache_dir)[0]
    entry.chmod(0o666)
    cache.STATS.clear()
    compile_paths([str(tree)])
    assert cache.STATS["discarded"] == 1 and cache.STATS["miss"] == 1
    assert not entry.stat().st_mode & 0o022  # rewritten by this run, private again


def test_an_entry_of_another_shape_is_not_trusted(cache_dir, tree):
    compile_paths([str(tree)])
    directory = cache.private_directory()
    for entry in _entries(cache_dir):
        key = entry.read_bytes().split(b"\n")[1].decode("ascii")
        cache.write_entry(directory, entry.name, key, ("not", "a module"))
    cache.STATS.clear()
    compilation = compile_paths([str(tree)])
    assert cache.STATS["hit"] == len(_entries(cache_dir))  # read, but its shape is refused
    assert compilation.policy.declarations


def test_the_key_follows_the_grammar_and_the_package_version(tmp_path, monkeypatch):
    parsecache.fingerprint.cache_clear()
    monkeypatch.setattr(parsecache, "_package_version", lambda: "0.1.0")
    original = parsecache.fingerprint()
    parsecache.fingerprint.cache_clear()
    monkeypatch.setattr(parsecache, "_package_version", lambda: "0.2.0")
    assert parsecache.fingerprint() != original
    copy = tmp_path / "dsl"
    shutil.copytree(Path(parsecache.__file__).parent, copy, ignore=shutil.ignore_patterns("__py*"))
    monkeypatch.setattr(parsecache, "_package_version", lambda: "0.1.0")
    monkeypatch.setattr(parsecache, "_DSL", copy)
    parsecache.fingerprint.cache_clear()
    assert parsecache.fingerprint() == original
    with (copy / "policy.lark").open("a", encoding="utf-8") as grammar:
        grammar.write("\n// changed\n")
    parsecache.fingerprint.cache_clear()
    assert parsecache.fingerprint() != original
    parsecache.fingerprint.cache_clear()


@pytest.mark.parametrize("switch", ["environment", "option"])
def test_the_cache_can_be_switched_off(cache_dir, tree, monkeypatch, capsys, switch):
    argv = ["check", str(tree)]
    if switch == "environment":
        monkeypatch.setenv(cache.SWITCH_VARIABLE, "0")
    else:
        argv.append("--no-cache")
    assert main(argv) == 1
    assert not cache_dir.exists() or _entries(cache_dir) == []
    assert cache.enabled() is (switch == "option")  # --no-cache lasts for its command only
    capsys.readouterr()


def test_cache_files_are_private(cache_dir, tree):
    compile_paths([str(tree)])
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    for entry in _entries(cache_dir):
        assert entry.stat().st_mode & 0o077 == 0
        assert entry.stat().st_uid == os.getuid()
