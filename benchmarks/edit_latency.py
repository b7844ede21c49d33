"""Benchmark: how long the language server takes from an edit to its diagnostics, checking the whole
tree again (full, as it did before compiler/check/memo.py) against checking it incrementally.

Typical edits to one file of a copy of the bundled `policy/` tree, each made and then undone (both
directions timed): a number in a target changed, an id other files use renamed (their references
break, and are fixed by the undo), and a line typed halfway (a syntax error). Two measurements:

- in process: the server's check of the tree after the edit (the open document parsed again, the
  other rule files read, then compiled), full and incremental, interleaved in one process (every
  repetition runs every edit and every variant, in rotating order); the diagnostics of the two are
  compared at every step;
- over stdio: two real servers (`python -m compiler.lsp.server`, and the same server with its
  check replaced by the full one), each with three documents of the tree open, sent the same
  `textDocument/didChange`; timed until the `publishDiagnostics` of that version, minus the typing
  pause the server waits first (`CHECK_DELAY_SECONDS`), interleaved the same way.

Prints medians in milliseconds beside the target of issue 17 (keystroke to diagnostics within 60 ms
beyond the pause), the ratio of incremental to full, and the incremental 90th percentile.

    python benchmarks/edit_latency.py [--repeat 15] [--no-stdio]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.check.memo import CheckMemo  # noqa: E402
from compiler.check.pipeline import compile_paths  # noqa: E402
from compiler.lsp.workspace import (  # noqa: E402
    CHECK_DELAY_SECONDS,
    ModuleCache,
    compile_parsed,
    rule_files,
    settle_long_lived,
)

TARGET_MS = 60.0
NUMBER = re.compile(r"\d+")
FULL_SERVER = (
    "import sys\n"
    "from compiler.lsp import server, workspace\n"
    "def compile_full(self, scope, documents):\n"
    "    return workspace.compile_parsed(self.tree(scope, documents))\n"
    "server.PolicyServer.compile = compile_full\n"
    "sys.exit(server.serve())\n"
)


@dataclass(frozen=True)
class Plan:
    """The steps, as (what, file name, the file's whole text after the step), each edit made and
    then undone; and the files the servers have open (the edited ones, one that uses the renamed
    id).
    """

    steps: list[tuple[str, str, str]]
    opened: list[str]


def plan(tree: Path) -> Plan:
    """The edits, found in the tree by what they are, not by their text (which others edit): the
    first number of the first target that states one, the indicator that most other files use, and
    a line typed halfway into that target.
    """
    compilation = compile_paths([str(tree)])
    declared = compilation.policy.declarations
    texts = {name: Path(name).read_text(encoding="utf-8") for name in compilation.files}
    numbers = [
        (d.node, match)
        for d in declared.values()
        if d.kind == "doel"
        for f in d.node.fields
        if f.keyword in ("reductie", "waarde")
        for match in [NUMBER.search(texts[f.span.path], f.span.start, f.span.end)]
        if match
    ]
    target, number = numbers[0]
    users = {
        d.id: _files_using(compilation, d.id) for d in declared.values() if d.kind == "indicator"
    }
    indicator = declared[max(users, key=lambda ident: len(users[ident]))].node
    document = next(iter(compilation.policy.sources))
    typed = target.fields[0].span.end
    edits = (
        (
            "change a number in a target",
            target.span.path,
            number.start(),
            number.end(),
            str(int(number.group()) + 1),
        ),
        (
            "rename an id used elsewhere",
            indicator.span.path,
            indicator.id.span.start,
            indicator.id.span.end,
            indicator.id.name + "_nieuw",
        ),
        (
            "break the syntax (a line typed halfway)",
            target.span.path,
            typed,
            typed,
            f"\n    bron {document} regels",
        ),
    )
    steps = []
    for what, name, begin, end, new in edits:
        text = texts[name]
        steps += [(what, name, text[:begin] + new + text[end:]), (what, name, text)]
    opened = [target.span.path, indicator.span.path, sorted(users[indicator.id.name])[0]]
    return Plan(steps, list(dict.fromkeys(opened)))


def _files_using(compilation, ident: str) -> set[str]:
    """The other rule files that name `ident`."""
    own = compilation.policy.declarations[ident].node.span.path
    return {
        r.span.path
        for r in compilation.policy.references
        if ident in (r.source, r.target) and r.span.path != own
    }


# in process ------------------------------------------------------------------------------------


class Session:
    """The server's state for one tree: parsed files, the open documents, and (when incremental)
    the memo.
    """

    def __init__(self, tree: Path, opened: list[str], incremental: bool) -> None:
        self.tree = tree
        self.modules = ModuleCache()
        self.memo = CheckMemo() if incremental else None
        self.open = {name: Path(name).read_text(encoding="utf-8") for name in opened}

    def check(self):
        """What `PolicyServer.compile` does for the tree, with this session's open documents."""
        names = sorted(set(self.open) | set(rule_files(self.tree)))
        parsed = [
            self.modules.from_text(n, self.open[n]) if n in self.open else self.modules.from_disk(n)
            for n in names
        ]
        return compile_parsed(parsed, self.memo)


def in_process(tree: Path, edits: Plan, repeat: int) -> dict[tuple[str, str], list[float]]:
    sessions = {
        "full": Session(tree, edits.opened, False),
        "incremental": Session(tree, edits.opened, True),
    }
    for session in sessions.values():
        session.check()  # warm: everything parsed once, the memo filled
    settle_long_lived()  # as the server does after a tree's first check
    times: dict[tuple[str, str], list[float]] = {}
    for rep in range(repeat):
        for what, name, text in edits.steps:
            results = {}
            order = list(sessions) if rep % 2 == 0 else list(reversed(sessions))
            for variant in order:
                session = sessions[variant]
                session.open[name] = text
                start = time.perf_counter()
                results[variant] = session.check()
                times.setdefault((what, variant), []).append(time.perf_counter() - start)
            if list(results["full"].diagnostics) != list(results["incremental"].diagnostics):
                raise SystemExit(f"incremental and full diagnostics differ after: {what}")
    return times


# over stdio -------------------------------------------------------------------------------------


class Server:
    """A language server subprocess spoken to in JSON-RPC over its stdin and stdout."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=cwd
        )
        self.messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"capabilities": {}, "processId": None, "rootUri": None},
            }
        )
        self.wait(lambda m: m.get("id") == 1)
        self.send({"method": "initialized", "params": {}})

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                if key.strip().lower() == "content-length":
                    length = int(value)
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def wait(self, wanted, timeout: float = 60.0) -> float:
        """The time the first message `wanted` accepts arrived (others are dropped)."""
        while True:
            at, message = self.messages.get(timeout=timeout)
            if wanted(message):
                return at

    def diagnostics_of(self, uri: str, version: int) -> float:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )

    def close(self) -> None:
        self.send({"id": 2, "method": "shutdown"})
        self.wait(lambda m: m.get("id") == 2)
        self.send({"method": "exit"})
        self.process.wait(timeout=10)


def over_stdio(tree: Path, edits: Plan, repeat: int) -> dict[tuple[str, str], list[float]]:
    commands = {
        "full": [sys.executable, "-c", FULL_SERVER],
        "incremental": [sys.executable, "-m", "compiler.lsp.server"],
    }
    servers = {variant: Server(command, tree.parent) for variant, command in commands.items()}
    versions: dict[str, int] = {}
    try:
        for name in edits.opened:
            path = Path(name)
            uri = path.as_uri()
            versions[uri] = 1
            for server in servers.values():
                document = {
                    "uri": uri,
                    "languageId": "policy",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
                server.send(
                    {"method": "textDocument/didOpen", "params": {"textDocument": document}}
                )
        for server in servers.values():  # every open document checked once
            for name in edits.opened:
                server.diagnostics_of(Path(name).as_uri(), 1)
        times: dict[tuple[str, str], list[float]] = {}
        for rep in range(repeat):
            for what, name, text in edits.steps:
                uri = Path(name).as_uri()
                versions[uri] += 1
                order = list(servers) if rep % 2 == 0 else list(reversed(servers))
                for variant in order:
                    server = servers[variant]
                    change = {
                        "textDocument": {"uri": uri, "version": versions[uri]},
                        "contentChanges": [{"text": text}],
                    }
                    start = time.perf_counter()
                    server.send({"method": "textDocument/didChange", "params": change})
                    arrived = server.diagnostics_of(uri, versions[uri])
                    times.setdefault((what, variant), []).append(
                        arrived - start - CHECK_DELAY_SECONDS
                    )
        return times
    finally:
        for server in servers.values():
            try:
                server.close()
            except Exception:
                server.process.kill()


# report -----------------------------------------------------------------------------------------


def report(title: str, times: dict[tuple[str, str], list[float]], targeted: bool) -> None:
    """Medians (and the incremental 90th percentile) per edit and over all edits, in ms."""
    print(f"\n{title}")
    print(
        f"{'edit':<40} {'full':>7} {'incremental':>12} {'incr/full':>10} {'incr p90':>9}   target"
    )
    kinds = list(dict.fromkeys(what for what, _ in times))
    for what in [*kinds, "all edits"]:
        pick = kinds if what == "all edits" else [what]
        full = [t * 1000 for k in pick for t in times[(k, "full")]]
        incremental = sorted(t * 1000 for k in pick for t in times[(k, "incremental")])
        median = statistics.median(incremental)
        p90 = incremental[min(len(incremental) - 1, int(0.9 * len(incremental)))]
        verdict = ""
        if targeted:
            verdict = f"median ≤ {TARGET_MS:.0f} ms: {'met' if median <= TARGET_MS else 'NOT met'}"
        print(
            f"{what:<40} {statistics.median(full):>7.1f} {median:>12.1f} "
            f"{median / statistics.median(full):>9.2f}× {p90:>9.1f}   {verdict}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="repetitions of every edit")
    parser.add_argument("--no-stdio", action="store_true", help="skip the real servers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch).resolve() / "policy"
        shutil.copytree(ROOT / "policy", tree)
        files = len(rule_files(tree))
        edits = plan(tree)
        print(
            f"edit latency on a copy of the bundled policy/ ({files} rule files); medians of "
            f"{args.repeat} interleaved repetitions, each edit made and undone (both timed)"
        )
        for what, name, _ in edits.steps[::2]:
            print(f"  {what}: {Path(name).relative_to(tree)}")
        print(f"  open: {', '.join(str(Path(n).relative_to(tree)) for n in edits.opened)}")
        report(
            "in process: the check after the edit (no pause)",
            in_process(tree, edits, args.repeat),
            False,
        )
        if not args.no_stdio:
            report(
                "over stdio: didChange → publishDiagnostics, "
                f"minus the {CHECK_DELAY_SECONDS} s pause",
                over_stdio(tree, edits, args.repeat),
                True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
