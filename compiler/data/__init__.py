"""Stage 3, monitoring data: CSV and YAML files in; validated `Series`, `Population` and `Event`
values and D0xx/S0xx diagnostics out. Imports `dsl` and `compiler.check`.
"""
