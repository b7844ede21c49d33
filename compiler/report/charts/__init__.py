"""The report's charts: target trajectories, provincial small multiples, budgets, the deadline
timeline (matplotlib, rendered as deterministic SVG) and the dependency picture (hand-written SVG).
"""
