"""Compiled report templates (compiler/report/templatecache.py): written once, then loaded instead
of compiled; a changed template text or a changed environment module misses; a damaged entry is
rebuilt; the cache switched off writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from compiler.report import templatecache
from compiler.report.sentences import environment
from dsl import cache

TEMPLATE = "sentences.nl.j2"


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("template-*.jinja"))


def _compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja2 compiles from text from now on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_a_template_is_compiled_once_then_loaded(cache_dir, monkeypatch):
    compiled = _compiles(monkeypatch)
    first = environment().get_template(TEMPLATE)
    assert compiled == [TEMPLATE] and len(_entries(cache_dir)) == 1
    second = environment().get_template(TEMPLATE)
    assert compiled == [TEMPLATE]  # the second environment loaded the bytecode
    assert cache.STATS["hit"] == 1
    assert first.module.doel is not None and second.module.doel is not None


def test_changed_template_text_misses(cache_dir, monkeypatch):
    environment().get_template(TEMPLATE)
    compiled = _compiles(monkeypatch)
    original = jinja2.PackageLoader.get_source

    def edited(self, env, name):
        source, filename, uptodate = original(self, env, name)
        return source + "\n{# edited #}\n", filename, uptodate

    monkeypatch.setattr(jinja2.PackageLoader, "get_source", edited)
    environment().get_template(TEMPLATE)
    assert compiled == [TEMPLATE]


def test_a_changed_environment_module_misses(cache_dir, monkeypatch):
    environment().get_template(TEMPLATE)
    compiled = _compiles(monkeypatch)
    templatecache._configuration_digest.cache_clear()
    monkeypatch.setattr(templatecache, "_configuration_digest", lambda: "other-options")
    environment().get_template(TEMPLATE)
    assert compiled == [TEMPLATE]


def test_a_damaged_entry_is_rebuilt_not_fatal(cache_dir, monkeypatch):
    environment().get_template(TEMPLATE)
    (entry,) = _entries(cache_dir)
    entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    compiled = _compiles(monkeypatch)
    template = environment().get_template(TEMPLATE)
    assert compiled == [TEMPLATE] and template.module.doel is not None


def test_switched_off_the_cache_writes_nothing(cache_dir, monkeypatch):
    monkeypatch.setenv(cache.SWITCH_VARIABLE, "0")
    assert templatecache.bytecode_cache() is None
    environment().get_template(TEMPLATE)
    assert not cache_dir.exists() or not _entries(cache_dir)
