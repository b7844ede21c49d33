"""Incremental checking (for the language server): the results of the per-file passes (passes.py:
field checks, English titles, quotes and numbers, typed views, source texts) kept between checks,
so that after an edit to one rule file only that file's declarations run them again; the
cross-file passes (symbols, name resolution, kinds, units, budgets, consistency, history, the graph
and its cycles) run in full every time, in the driver (pipeline.py).

Results are keyed by content, never by time: a module by the key its caller gives (a digest of its
path and text, `module_key`), a declaration by its module's key and its place in it, plus what the
pass reads besides (the source texts loaded, the findings about it). A source text is keyed by the
declaration naming it and a digest of the file's bytes, read again at every check, so a change to a
source text invalidates what was verified against it. The diagnostics a pass gave are replayed in
the order the pass gave them, so a check with the memo gives exactly the diagnostics of one
without. What a check did not use is dropped at its end: the memo holds one tree's results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path

from compiler.check import passes
from compiler.check.citations import MAX_SOURCE_BYTES, CanonicalText
from compiler.check.layout import policy_root
from compiler.check.model import SourceText
from compiler.check.pipeline import Compilation, compile_modules
from compiler.check.views import View
from dsl import files, nodes
from dsl.diagnostics import Diagnostics


def module_key(path: str, text: str) -> str:
    """The content key of a rule file: a digest of the name its spans carry and the text parsed."""
    digest = hashlib.sha256()
    for part in (path, text):
        raw = part.encode("utf-8", "surrogatepass")
        digest.update(len(raw).to_bytes(8, "little"))
        digest.update(raw)
    return digest.hexdigest()


class CheckMemo(passes.Passes):
    """The per-file results of one policy tree, kept from one check to the next."""

    def __init__(self) -> None:
        self._results: dict[Hashable, Diagnostics] = {}
        self._sources: dict[Hashable, tuple[SourceText | None, Diagnostics, str]] = {}
        self._canonical: dict[str, CanonicalText] = {}  # by the digest of the source's bytes
        self._views: dict[Hashable, View | None] = {}
        self.hits = self.misses = 0  # in the last check: passes replayed, passes run
        # the state of the check running: whose keys, which source digests, what was used
        self._keys: dict[int, Hashable] = {}
        self._digests: dict[str, str] = {}
        self._run_canonical: dict[str, CanonicalText] = {}
        self._used: set[Hashable] = set()
        self._used_sources: set[Hashable] = set()
        self._used_views: set[Hashable] = set()

    def compile(
        self, modules: list[nodes.Module], keys: list[str], diags: Diagnostics, names: list[str]
    ) -> Compilation:
        """`pipeline.compile_modules`, with the per-file passes kept; `keys[i]` is the content key
        of `modules[i]` (`module_key`), so equal keys must mean equal modules.
        """
        self._begin(modules, keys)
        try:
            return compile_modules(modules, diags, names, self)
        finally:
            self._end()

    # the hooks the driver calls

    def per_module(
        self, run: Callable[[nodes.Module, Diagnostics], None], module: nodes.Module, diags
    ) -> None:
        key = self._keys.get(id(module))
        self._replay(None if key is None else (run.__name__, key), diags, lambda d: run(module, d))

    def per_declaration(
        self,
        run: Callable[..., None],
        decl: nodes.Declaration,
        diags: Diagnostics,
        depends: Hashable = (),
        *args: object,
    ) -> None:
        key = self._keys.get(id(decl))
        memo_key = None if key is None or depends is None else (run.__name__, key, depends)
        self._replay(memo_key, diags, lambda d: run(decl, d, *args))

    def view(self, decl: nodes.Declaration) -> View | None:
        key = self._keys.get(id(decl))
        if key is None:
            return super().view(decl)
        if key not in self._views:
            self._views[key] = super().view(decl)
        self._used_views.add(key)
        return self._views[key]

    def load_source(
        self, document: nodes.Declaration, declared_in: Path, diags: Diagnostics
    ) -> SourceText | None:
        key = self._source_key(document, declared_in)
        if key is None:
            return super().load_source(document, declared_in, diags)
        found = self._sources.get(key)
        if found is None:
            own = Diagnostics()
            text = super().load_source(document, declared_in, own)
            found = self._sources[key] = (text, own, key[-1])
        self._used_sources.add(key)
        text, own, digest = found
        diags.extend(own)
        if text is not None:
            self._digests[document.id.name] = digest
        return text

    def canonical_texts(self, sources: dict[str, SourceText]) -> dict[str, CanonicalText]:
        self._run_canonical = {
            name: self._canonical[self._digests[name]]
            for name in sources
            if self._digests.get(name) in self._canonical
        }
        return self._run_canonical

    def sources_key(self, sources: dict[str, SourceText]) -> Hashable:
        if any(name not in self._digests for name in sources):
            return None  # a source read without a digest: its quote checks are not kept
        return tuple(sorted((name, self._digests[name]) for name in sources))

    # inside

    def _replay(
        self, key: Hashable | None, diags: Diagnostics, run: Callable[[Diagnostics], None]
    ) -> None:
        if key is None:
            run(diags)
            return
        found = self._results.get(key)
        if found is None:
            found = Diagnostics()
            run(found)
            self._results[key] = found
            self.misses += 1
        else:
            self.hits += 1
        self._used.add(key)
        diags.extend(found)

    def _source_key(self, document: nodes.Declaration, declared_in: Path) -> Hashable | None:
        """What `load_source` reads: the declaration, the tree it lies in and the file's bytes
        (None when the file cannot be read: then `load_source` runs, and reports why).
        """
        decl_key = self._keys.get(id(document))
        field = document.get("bestand")
        if decl_key is None or field is None or not isinstance(field.value, str):
            return None
        try:
            path = (declared_in.parent / field.value).resolve()
            tree = policy_root(declared_in) or declared_in.resolve().parent
            data = files.read_bytes(path, MAX_SOURCE_BYTES, boundary=tree)
        except (files.FileRefused, OSError, ValueError):
            return None
        return (decl_key, str(tree), str(path), hashlib.sha256(data).hexdigest())

    def _begin(self, modules: list[nodes.Module], keys: list[str]) -> None:
        if len(keys) != len(modules):
            raise ValueError("one content key per module")
        self.hits = self.misses = 0
        self._keys = {}
        for module, key in zip(modules, keys, strict=True):
            self._keys[id(module)] = key
            for index, decl in enumerate(module.declarations):
                self._keys[id(decl)] = (key, index)
        self._digests, self._run_canonical = {}, {}
        self._used, self._used_sources, self._used_views = set(), set(), set()

    def _end(self) -> None:
        """Keep what this check used (and the canonical forms it built); drop the rest."""
        for name, canonical in self._run_canonical.items():
            if name in self._digests:
                self._canonical[self._digests[name]] = canonical
        live = set(self._digests.values())
        self._canonical = {d: c for d, c in self._canonical.items() if d in live}
        self._results = {k: v for k, v in self._results.items() if k in self._used}
        self._sources = {k: v for k, v in self._sources.items() if k in self._used_sources}
        self._views = {k: v for k, v in self._views.items() if k in self._used_views}
        self._keys = {}  # ids mean nothing once the check is over
