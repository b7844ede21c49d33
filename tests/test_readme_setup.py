"""The README's two set-up commands work verbatim on a fresh Debian or Ubuntu machine, whose
system Python refuses `pip install` outside a virtual environment.

What is tested here, and what is not: the two commands are read from README.md and their shape is
checked (each creates and activates `.venv` before anything installs, installs with the venv's
`python -m pip`, and runs the check or the tests); `.ci/run`, which CI runs as root on a clean
checkout, installs `python3-venv` with apt-get and runs the README's test command verbatim; and
the venv part of the commands (`python3 -m venv .venv && . .venv/bin/activate`) is run for real,
verbatim, in a fresh folder, to show that afterwards `python` and `pip` are the environment's. The
installs themselves are not run here (they need the network, and a clean container cannot be
started from a test); `.ci/run` runs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
VENV = ["python3 -m venv .venv", ". .venv/bin/activate"]


def _setup_commands() -> list[str]:
    """The shell commands of the README's `## Set up` section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def _steps(command: str) -> list[str]:
    assert "\n" not in command, "each set-up command is one line, to be pasted as it stands"
    return [step.strip() for step in command.split("&&")]


def test_the_readme_has_two_set_up_commands():
    assert len(_setup_commands()) == 2


def test_the_main_job_creates_and_uses_a_virtual_environment():
    steps = _steps(_setup_commands()[0])
    assert steps[:2] == VENV
    assert steps[2] == "python -m pip install -e ."
    assert steps[3] == "beleid check policy/"
    assert any(step.startswith("beleid evaluate ") for step in steps[4:])
    assert any(step.startswith("beleid report ") for step in steps[4:])


def test_the_test_command_works_in_a_new_shell():
    """It activates the environment itself (and creates it when step 1 was never run)."""
    steps = _steps(_setup_commands()[1])
    assert steps == [*VENV, "python -m pip install -e '.[test]'", "python -m pytest"]


def test_no_command_uses_the_system_pip():
    for command in _setup_commands():
        assert "python3 -m pip" not in command and not re.search(r"(^|&& )pip3? ", command)


def test_the_readme_names_the_debian_package_venv_needs():
    section = README.read_text(encoding="utf-8").split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert "apt-get install python3-venv" in section


def test_ci_installs_python3_venv_and_runs_the_readme_commands_verbatim():
    script = CI_RUN.read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    main_job, tests = _setup_commands()
    assert main_job in lines, ".ci/run must run the README's main job verbatim"
    assert tests in lines, ".ci/run must run the README's test command verbatim"
    assert lines.index(main_job) < lines.index(tests)
    assert re.search(r"apt-get install [^\n]*python3-venv", script)
    commands = [line for line in lines if line and not line.startswith("#")]
    installs = [n for n, line in enumerate(commands) if "pip install" in line]
    activations = [n for n, line in enumerate(commands) if ". .venv/bin/activate" in line]
    apt = [n for n, line in enumerate(commands) if "python3-venv" in line]
    assert apt[0] < activations[0] <= installs[0], "no pip install outside the environment"


@pytest.mark.skipif(shutil.which("bash") is None, reason="the README's commands are for a shell")
def test_the_venv_part_runs_verbatim_and_gives_the_environments_python(tmp_path):
    """`python3 -m venv .venv && . .venv/bin/activate`, as written, in a fresh folder."""
    venv_part = " && ".join(_steps(_setup_commands()[0])[:2])
    probe = 'python -c "import sys; print(sys.prefix)" && python -m pip --version'
    done = subprocess.run(
        ["bash", "-euc", f"{venv_part} && {probe}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    prefix, pip = done.stdout.splitlines()[:2]
    assert prefix == str(tmp_path / ".venv")
    assert str(tmp_path / ".venv") in pip
