"""The beleid compiler: the stages that check, evaluate and report policy rules (one folder each;
docs/architecture.md draws them). `compile_paths` and `compile_text` are the checker's front
door.
"""

from compiler.check.pipeline import Compilation, compile_paths, compile_text

__all__ = ["Compilation", "compile_paths", "compile_text"]
