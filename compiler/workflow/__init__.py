"""Workflow tools for drafters and reviewers: the formatter, policy tests (T0xx), source coverage
and generated docs. Imports the stages below it (`dsl`, `check`, `data`, `evaluate`), never `diff`,
`report`, `cli` or `lsp`.
"""
