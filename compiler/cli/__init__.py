"""Front end, the `beleid` command: arguments in, one library call per command, its result rendered
and an exit code out (`compiler.cli.main:main`). May import every stage; nothing imports it.
"""
