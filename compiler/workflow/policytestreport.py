"""The outcome of a policy-test run as text (`beleid test`) and as JSON (`beleid test --format
json`): failures with their place, the counts, and the coverage by category.
"""

from __future__ import annotations

from compiler.workflow.policytest import Outcome
from dsl.printable import escaped


@escaped
def render_text(outcome: Outcome) -> str:
    """The failures, each with its place, expected and actual value, then the counts and
    coverage.
    """
    out = []
    for f in outcome.failures:
        out += [
            f"{f.path}:{f.line}: FAIL {f.case} @ {f.moment}: {f.what}",
            f"    expected: {f.expected}",
            f"    actual:   {f.actual}",
        ]
    coverage = outcome.coverage
    out.append(
        f"{outcome.files} files, {outcome.cases} cases, {outcome.moments} moments, "
        f"{outcome.checks} checks: "
        f"{outcome.checks - len(outcome.failures)} passed, {len(outcome.failures)} failed"
    )
    out.append(f"coverage {coverage.percent():.1f}%")
    for category in coverage.items:
        missed = coverage.missed(category)
        out.append(
            f"  {category:<13} {len(coverage.hit[category]):>3}/{len(coverage.items[category]):<3} "
            f"{coverage.percent(category):5.1f}%"
        )
        if missed and category != "targets":
            out += [f"      not exercised: {m}" for m in missed]
    return "\n".join(out)


def to_json(outcome: Outcome) -> dict:
    """The outcome as JSON-ready data: counts, failures and coverage by category."""
    coverage = outcome.coverage
    return {
        "files": outcome.files,
        "cases": outcome.cases,
        "moments": outcome.moments,
        "checks": outcome.checks,
        "failures": [f.__dict__ for f in outcome.failures],
        "coverage": {
            "percent": round(coverage.percent(), 2),
            "categories": {
                c: {
                    "covered": sorted(coverage.hit[c]),
                    "missed": coverage.missed(c),
                    "percent": round(coverage.percent(c), 2),
                }
                for c in coverage.items
            },
        },
    }
