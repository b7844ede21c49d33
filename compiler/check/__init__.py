"""Stage 2, resolve and check: syntax modules from `dsl` in; the checked `Policy`, its dependency
graph and diagnostics (P1xx-P5xx) out. Imports `dsl` only.
"""
