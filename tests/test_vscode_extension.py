"""The VS Code extension under editors/vscode/: grammar tests, the keyword check, the manifest, the
client.

The grammar tests and the client tests need Node and `npm ci` in editors/vscode. Without
node_modules they are skipped, unless BELEID_REQUIRE_NODE=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dsl import Diagnostics, parse_text
from dsl.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
GRAMMAR = EXTENSION / "syntaxes" / "beleid.tmLanguage.json"
TOOL = EXTENSION / "node_modules" / "vscode-tmgrammar-test" / "dist" / "unit.js"
GRAMMAR_TESTS = sorted((EXTENSION / "tests").rglob("*.test.policy"))
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ASSERTION = re.compile(r"^#\s*(\^|<-)")


def _keywords():
    spec = importlib.util.spec_from_file_location(
        "vscode_keywords", EXTENSION / "scripts" / "keywords.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


keywords = _keywords()


def _require_node() -> str:
    """The node executable, once editors/vscode has its node_modules; else skip (or fail in CI)."""
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed"
    elif not TOOL.is_file():
        missing = "editors/vscode/node_modules is missing"
    if missing:
        message = f"{missing}: run `npm ci` in editors/vscode"
        if os.environ.get("BELEID_REQUIRE_NODE") == "1":
            pytest.fail(f"BELEID_REQUIRE_NODE=1 but {message}")
        pytest.skip(message)
    return node


def _run(command: list[str], cwd: Path = EXTENSION, env: dict | None = None, timeout: int = 300):
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", **(env or {})},
    )
    return result.returncode, _ANSI.sub("", result.stdout), _ANSI.sub("", result.stderr)


def _grammar_tool(node: str, *patterns: str) -> tuple[int, str, str]:
    return _run([node, str(TOOL), "-g", str(GRAMMAR), *patterns])


def _source_lines(path: Path) -> list[str]:
    """A grammar test file without its header and assertion lines: the rule text it tests."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line for line in lines if not _ASSERTION.match(line)]


# ---------------------------------------------------------------- grammar tests


def test_grammar_tests_pass():
    _require_node()
    npm = shutil.which("npm")
    command = (
        [npm, "test"]
        if npm
        else [shutil.which("node"), str(TOOL), "-g", str(GRAMMAR), "tests/**/*.test.policy"]
    )
    code, out, err = _run(command)
    assert code == 0, out + err
    passed = re.findall(r"✓ (\S+\.test\.policy) run successfuly", out)
    assert not re.search(r"\bfailed\b|can't parse", out), out
    assert len(passed) == len(GRAMMAR_TESTS) >= 8, out
    assert {Path(p).name for p in passed} == {p.name for p in GRAMMAR_TESTS}


def test_grammar_tool_fails_on_a_wrong_assertion(tmp_path):
    """The tool is not vacuous: a false assertion fails, while the same line asserted truly
    passes.
    """
    node = _require_node()
    line = 'document nota "Nota # 1" {'
    right = tmp_path / "right.test.policy"
    right.write_text(
        f'# SYNTAX TEST "source.beleid" "right"\n{line}\n'
        "# <-------- storage.type.beleid\n"
        "#               ^^^ string.quoted.double.beleid - comment.line.number-sign.beleid\n"
        'bevinding x { wat "y" bron d regel 1 "z" }\n}\n',
        encoding="utf-8",
    )
    wrong = tmp_path / "wrong.test.policy"
    wrong.write_text(
        f'# SYNTAX TEST "source.beleid" "wrong"\n{line}\n'
        "#               ^^^ comment.line.number-sign.beleid\n}\n",
        encoding="utf-8",
    )
    code, out, _ = _grammar_tool(node, str(right))
    assert code == 0, out
    code, out, _ = _grammar_tool(node, str(wrong))
    assert code != 0, out
    assert "wrong.test.policy failed" in out
    assert "missing required scopes: comment.line.number-sign.beleid" in out


def test_client_tests_pass(tmp_path):
    """extension.js and server.js under node's test runner, with a real `beleid lsp` to start."""
    node = _require_node()
    wrapper = tmp_path / "beleid"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m compiler.cli.main "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    code, out, err = _run(
        [node, "--test", "tests/client/"],
        env={"BELEID_SERVER_COMMAND": str(wrapper), "PYTHONPATH": pythonpath},
    )
    assert code == 0, out + err
    counts = {
        k: int(v) for k, v in re.findall(r"^# (pass|fail|cancelled) (\d+)$", out, re.MULTILINE)
    }
    assert counts.get("fail") == 0 and counts.get("cancelled") == 0, out
    assert counts.get("pass", 0) >= 9, out
    assert re.search(r"^ok \d+ - `beleid lsp` answers initialize$", out, re.MULTILINE), out


@pytest.mark.parametrize("path", GRAMMAR_TESTS, ids=lambda p: p.name)
def test_grammar_test_files_are_rule_files(path):
    """The samples are real language: they parse without a syntax error."""
    assert path.read_text(encoding="utf-8").startswith('# SYNTAX TEST "source.beleid" "')
    diags = Diagnostics()
    module = parse_text(SourceFile(str(path), path.read_text(encoding="utf-8")), diags)
    assert [d.message for d in diags] == []
    assert module.declarations


def test_grammar_tests_cover_the_language():
    words = keywords.collect().lists
    text = "\n".join(line for path in GRAMMAR_TESTS for line in _source_lines(path))
    kinds = {k for k in words["KINDS"] if re.search(rf"^{k} [a-z_]", text, re.MULTILINE)}
    assert kinds == words["KINDS"], f"no declaration of kind {sorted(words['KINDS'] - kinds)}"
    fields = {f for f in words["FIELDS"] if re.search(rf"^\s+{f}\b", text, re.MULTILINE)}
    assert fields == words["FIELDS"], f"no field {sorted(words['FIELDS'] - fields)}"
    units = {u for u in words["UNITS"] if re.search(rf"\d {re.escape(u)}(?![\w/])", text)}
    assert units == words["UNITS"], f"no quantity in {sorted(words['UNITS'] - units)}"


# ---------------------------------------------------------------- the keyword check


def test_keyword_check_passes():
    code, out, err = _run(
        [sys.executable, str(EXTENSION / "scripts" / "keywords.py"), "--check"], cwd=ROOT
    )
    assert code == 0, out + err
    assert "is current" in out


def test_keyword_check_reports_a_removed_kind(tmp_path):
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    match = grammar["repository"]["declaration"]["match"]
    assert "|verbod|" in match
    grammar["repository"]["declaration"]["match"] = match.replace("|verbod|", "|")
    tampered = tmp_path / "beleid.tmLanguage.json"
    tampered.write_text(json.dumps(grammar, indent=2, ensure_ascii=False), encoding="utf-8")
    problems = keywords.check(tampered)
    assert problems, "a kind missing from the grammar must be reported"
    assert any(
        "declaration.match" in p and "kinds" in p and "missing ['verbod']" in p for p in problems
    ), problems
    assert keywords.main(["--check", "--grammar", str(tampered)]) == 1


def test_keyword_check_reports_a_new_word_in_the_language():
    """When the language grows (a kind, a unit), the committed grammar is reported out of date."""
    words = keywords.collect()
    lists = dict(words.lists)
    lists["KINDS"] = lists["KINDS"] | {"zienswijze"}
    lists["UNITS"] = lists["UNITS"] | {"kWh"}
    problems = keywords.check(GRAMMAR, keywords.Words(lists, ()))
    assert any("kinds words missing ['zienswijze']" in p for p in problems), problems
    assert any("units words missing ['kWh']" in p for p in problems), problems


def test_keyword_check_reports_a_changed_terminal(monkeypatch):
    """When a terminal the template copies (here: strings) no longer matches its assumption, --check
    says so.
    """
    monkeypatch.setitem(keywords.ASSUMED_TERMINALS, "STRING", ('"(?:[^"\\\\]|\\\\.)*"', "string"))
    problems = keywords.check(GRAMMAR)
    assert any(p.startswith("terminal STRING of dsl/policy.lark is now") for p in problems), (
        problems
    )


def test_keyword_lists_come_from_the_sources():
    from compiler.check import schema, units
    from dsl import nodes

    words = keywords.collect()
    assert words.problems == ()
    assert words.lists["KINDS"] == set(nodes.KINDS)
    assert set(units.RULE_UNITS) == words.lists["UNITS"]
    assert "duizend ha" in units.UNITS and "duizend ha" not in words.lists["UNITS"]
    assert set(schema.VOCABULARY[("*", "status")]) <= words.lists["VOCABULARY"]
    assert {"naam", "bron", "draagt_bij_aan", "vast_tot", "deelpost"} <= words.lists["FIELDS"]
    assert words.lists["LOGICAL"] == {"en", "of", "niet"}
    assert {"<", "<=", ">", ">=", "=", "!="} == words.lists["COMPARATORS"]


def test_alternations_put_longer_words_first():
    assert keywords.alternation(["m", "mm", "mln_m3", "€", "€ mln"]) == "mln_m3|€ mln|mm|m|€"
    assert keywords.alternation(["t.o.v."]) == r"t\.o\.v\."
    assert keywords.split_alternation(r"t\.o\.v\.|tot") == {"t.o.v.", "tot"}


# ---------------------------------------------------------------- manifest and configuration


def test_package_manifest():
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert package["name"] == "beleid"
    assert package["main"] == "./extension.js" and (EXTENSION / "extension.js").is_file()
    assert "onLanguage:beleid" in package["activationEvents"]
    assert package["engines"]["vscode"].startswith("^1.")
    [language] = package["contributes"]["languages"]
    assert language["id"] == "beleid"
    assert language["extensions"] == [".policy"]
    assert (EXTENSION / language["configuration"]).is_file()
    [contributed] = package["contributes"]["grammars"]
    assert contributed["language"] == "beleid"
    assert contributed["scopeName"] == grammar["scopeName"] == "source.beleid"
    assert (EXTENSION / contributed["path"]).resolve() == GRAMMAR
    settings = package["contributes"]["configuration"]["properties"]
    assert settings["beleid.server.command"]["default"] == "beleid"
    assert settings["beleid.server.args"]["default"] == ["lsp"]
    assert "vscode-languageclient" in package["dependencies"]
    assert package["devDependencies"]["vscode-tmgrammar-test"] == "0.1.3"
    assert "syntaxes/beleid.tmLanguage.json" in package["scripts"]["test"]
    assert "tests/**/*.test.policy" in package["scripts"]["test"]
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["name"] == "beleid"
    assert "node_modules/vscode-tmgrammar-test" in lock["packages"]
    assert "node_modules/vscode-languageclient" in lock["packages"]


def test_language_configuration():
    config = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    assert ["{", "}"] in config["brackets"] and ["(", ")"] in config["brackets"]
    assert {pair["open"] for pair in config["autoClosingPairs"]} == {"{", "(", '"'}
    word = re.compile(config["wordPattern"])
    for text in ("nh3_landbouw_2035", "_x", "beëindiging", "12.5", "-3"):
        assert word.fullmatch(text), text
    rules = config["indentationRules"]
    assert re.search(rules["increaseIndentPattern"], 'doel x "titel {" {  # opent')
    assert not re.search(rules["increaseIndentPattern"], 'doel x "titel {"')
    assert re.search(rules["decreaseIndentPattern"], "  }")
    assert re.search(rules["indentNextLinePattern"], '    post natuur "Natuur" incidenteel:')


def test_grammar_scopes():
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    repository = grammar["repository"]
    assert repository["comment"]["name"] == "comment.line.number-sign.beleid"
    assert repository["string"]["name"] == "string.quoted.double.beleid"
    assert repository["declaration"]["captures"]["1"]["name"] == "storage.type.beleid"
    assert repository["declaration"]["captures"]["2"]["name"] == "entity.name.type.beleid"
    assert repository["field-keyword"]["name"] == "keyword.other.field.beleid"
    for rule in repository.values():  # every regex compiles (Python's re is close to Oniguruma)
        for pattern in [rule, *rule.get("patterns", [])]:
            for key in ("match", "begin", "end"):
                if key in pattern:
                    re.compile(pattern[key])


def test_extension_starts_beleid_lsp():
    extension = (EXTENSION / "extension.js").read_text(encoding="utf-8")
    server = (EXTENSION / "server.js").read_text(encoding="utf-8")
    assert "require('vscode-languageclient/node')" in extension
    assert "new LanguageClient('beleid'" in extension
    assert "server.executable(resolved, args, folder)" in extension
    assert "config.get('server.command'" in extension and "config.get('server.args'" in extension
    assert "DEFAULT_ARGS = Object.freeze(['lsp'])" in server
    assert "transport:" not in server  # a transport would make the client append --stdio


def test_packaging_files():
    gitignore = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    assert "node_modules/" in gitignore and "*.vsix" in gitignore
    vscodeignore = (EXTENSION / ".vscodeignore").read_text(encoding="utf-8").split()
    assert "tests/**" in vscodeignore and "scripts/**" in vscodeignore
    assert (EXTENSION / "README.md").is_file()
