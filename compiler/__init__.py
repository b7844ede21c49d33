"""The beleid compiler: resolve, check, graph and (later) evaluate and report policy rules."""

from compiler.check.pipeline import Compilation, compile_paths, compile_text

__all__ = ["Compilation", "compile_paths", "compile_text"]
