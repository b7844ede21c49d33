"""Front end, the language server: LSP requests over stdio in; diagnostics, hovers, locations and
edits out. May import every stage except `cli`; nothing imports it.
"""
