"""The ledger as it was at schema version 2 (a copy of every open obligation per moment), kept as
the reference the change-record ledger is held to (tests/test_ledger_reference.py).
"""
