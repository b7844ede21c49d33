"""The beleid compiler: the stages that check, evaluate and report policy rules (one folder each;
docs/architecture.md draws them). `compile_paths` and `compile_text` are the checker's front
door.
"""

__all__ = ["Compilation", "compile_paths", "compile_text"]


def __getattr__(name: str):
    """The checker's front door, imported on first use: importing any stage (`compiler.cli` for
    `beleid --help`) should not load the checker, Lark and networkx with it.
    """
    if name in __all__:
        from compiler.check import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'compiler' has no attribute {name!r}")
