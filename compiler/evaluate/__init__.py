"""Stage 4, evaluation: the checked policy and monitoring data in; an `Evaluation` of one moment,
its record in the ledger (L0xx), explanations and simulated timelines out. Imports `dsl`,
`compiler.check` and `compiler.data`.
"""
