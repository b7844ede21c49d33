"""Fuzzing beleid: every entry point that takes outside input, fed bytes, allowed to end only in
diagnostics. `fuzz.targets` holds the targets and their seed corpora; `python3 -m fuzz.campaign`
runs them under atheris (libFuzzer), each in its own process, and reports what escaped.
See docs/robustness.md.
"""
