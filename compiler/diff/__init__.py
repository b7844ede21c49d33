"""Workflow tool, semantic diff: two policy versions in; what changed in meaning, the commitment
guards (G0xx) and the impact on the data out. Imports the stages below it (`dsl`, `check`, `data`,
`evaluate`), never `report`, `workflow`, `cli` or `lsp`.
"""
