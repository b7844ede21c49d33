"""The C0xx codes: the configuration (`[tool.beleid]`) and the baseline of `beleid check`
(compiler/check/settings.py, compiler/check/baseline.py). Part of the registry: dsl/codes.py
names every code here, and is where codes are looked up.
"""

from __future__ import annotations

from dsl.codetypes import Code, Severity

E = Severity.ERROR

# C0xx: the configuration of `beleid check` (`[tool.beleid]` in pyproject.toml) and its baseline
# file of accepted findings (compiler/check/settings.py, compiler/check/baseline.py)
CONFIG_INVALID = Code(
    "C001",
    "config-invalid",
    E,
    "`[tool.beleid]` in pyproject.toml is not valid TOML, or holds a key or value of the wrong "
    "shape",
)
CONFIG_UNKNOWN_CODE = Code(
    "C002",
    "config-unknown-code",
    E,
    "the configuration names a code that `beleid check` never reports",
)
CONFIG_UNKNOWN_SEVERITY = Code(
    "C003",
    "config-unknown-severity",
    E,
    "the configuration sets a severity other than `error`, `warning` or `info`",
)
CONFIG_BAD_GLOB = Code(
    "C004",
    "config-bad-glob",
    E,
    "a path pattern of `[tool.beleid.ignore]` is empty, absolute, leaves its folder, or is "
    "malformed",
)
CONFIG_LOWERS_ERROR = Code(
    "C005",
    "config-lowers-error",
    E,
    "the configuration lowers or ignores a code that is an error, which every other command "
    "still refuses",
)
BASELINE_INVALID = Code(
    "C006",
    "baseline-invalid",
    E,
    "a baseline file cannot be read or is not a baseline `beleid check --write-baseline` wrote",
)
