"""The diagnostic code registry: every code is defined here (the C0xx family in
dsl/configcodes.py, named here) and looked up here. Codes are never renumbered.

Families: P0xx reading and syntax, P1xx names, P2xx semantics, P3xx graph, P4xx warnings,
P5xx consistency between sources; D0xx monitoring data, L0xx the ledger, S0xx scenario files,
T0xx policy tests, G0xx the commitment guards of the semantic diff, C0xx the configuration
and baseline of `beleid check`.
"""

from __future__ import annotations

from dsl.codetypes import Code as Code
from dsl.codetypes import Severity as Severity

E, W = Severity.ERROR, Severity.WARNING

# P0xx: reading files and syntax (the parser, dsl/; the policy tree's layout, compiler/check/)
UNEXPECTED_TOKEN = Code(
    "P001", "unexpected-token", E, "a word or symbol is not allowed at this place in the grammar"
)
UNEXPECTED_CHARACTER = Code(
    "P002", "unexpected-character", E, "a character that cannot start any word of the language"
)
UNEXPECTED_EOF = Code(
    "P003",
    "unexpected-end-of-file",
    E,
    'the file ends inside a declaration, usually a missing `}` or `"`',
)
NOT_UTF8 = Code("P004", "not-utf8", E, "a rule file is not valid UTF-8 text")
BINARY_FILE = Code("P005", "binary-file", E, "a rule file contains NUL bytes and looks binary")
FILE_TOO_LARGE = Code(
    "P006",
    "file-too-large",
    E,
    "a rule file or a source text is larger than the limit and was not read",
)
NESTING_TOO_DEEP = Code("P007", "nesting-too-deep", E, "a condition nests deeper than the limit")
UNREADABLE_FILE = Code(
    "P008", "unreadable-file", E, "a path given on the command line cannot be read"
)
EMPTY_FILE = Code("P009", "empty-file", W, "a rule file contains no declarations")
TOO_MANY_DECLARATIONS = Code(
    "P010",
    "too-many-declarations",
    E,
    "a policy tree holds more declarations than the limit; it was not checked further",
)
LINK_CYCLE = Code(
    "P011",
    "link-cycle",
    E,
    "a symbolic link leads back into a folder it lies in, so the folder would be read forever",
)
PATH_OUTSIDE_REPOSITORY = Code(
    "P012",
    "path-outside-repository",
    E,
    "a file or folder reached from the policy, a test or a scenario lies outside the repository",
)

# P1xx: names and references (compiler/check/)
DUPLICATE_ID = Code("P101", "duplicate-id", E, "two declarations share one id")
UNKNOWN_REFERENCE = Code("P102", "unknown-reference", E, "a reference names no declaration")
WRONG_KIND = Code("P103", "wrong-kind", E, "a reference names a declaration of the wrong kind")
UNKNOWN_SOURCE_FILE = Code(
    "P104", "unknown-source-file", E, "a document's `bestand` is not a readable text file"
)
UNKNOWN_WORD = Code(
    "P105",
    "unknown-word",
    E,
    "a word from a fixed vocabulary (kind, level, status, ...) is not in it",
)
UNKNOWN_BUDGET_ITEM = Code(
    "P106", "unknown-budget-item", E, "a budget reference names no post or package of the table"
)
SOURCE_OUTSIDE_TREE = Code(
    "P107", "source-outside-tree", E, "a document's `bestand` points outside the policy tree"
)

# P2xx: meaning: fields, values, units, quotes, budgets, history (compiler/check/)
MISSING_FIELD = Code("P201", "missing-field", E, "a declaration lacks a field its kind requires")
FIELD_NOT_ALLOWED = Code(
    "P202", "field-not-allowed", E, "a field is not part of this kind of declaration"
)
REPEATED_FIELD = Code("P203", "repeated-field", E, "a field that may appear once appears again")
MISSING_CITATION = Code("P204", "missing-citation", E, "a declaration cites no source")
QUOTE_NOT_FOUND = Code(
    "P205", "quote-not-found", E, "a quoted text does not occur in the cited source document"
)
QUOTE_ELSEWHERE = Code(
    "P206", "quote-elsewhere", E, "a quote occurs in the source, but not on the cited lines"
)
LINES_OUT_OF_RANGE = Code(
    "P207", "lines-out-of-range", E, "cited line numbers are outside the source document"
)
UNKNOWN_UNIT = Code("P210", "unknown-unit", E, "a unit is not in the unit table")
UNIT_MISMATCH = Code(
    "P211",
    "unit-mismatch",
    E,
    "two quantities that are compared or assigned have incompatible units",
)
UNIT_NOT_EXPRESSIBLE = Code(
    "P212",
    "unit-not-expressible",
    E,
    "a multiplication or division combines units the unit table has no unit for",
)
DIVISION_BY_ZERO = Code("P213", "division-by-zero", E, "a calculation divides by a literal zero")
INVALID_DATE = Code("P220", "invalid-date", E, "a date or year is not a real calendar date")
DATES_OUT_OF_ORDER = Code(
    "P221", "dates-out-of-order", E, "dates that must follow each other do not"
)
RANGE_REVERSED = Code("P222", "range-reversed", E, "a range's lower bound is above its upper bound")
CONTRADICTORY_FLAGS = Code(
    "P223", "contradictory-flags", E, "a target is `bindend` but its `karakter` says it is not"
)
INVALID_NUMBER = Code("P224", "invalid-number", E, "a number is outside what its field allows")
BUDGET_TOTAL_MISMATCH = Code(
    "P230",
    "budget-total-mismatch",
    E,
    "the cells of a budget table do not add up to its stated total",
)
SUBALLOCATION_EXCEEDS = Code(
    "P231", "suballocation-exceeds", E, "sub-allocations exceed the budget cell they are part of"
)
NUMBER_NOT_IN_QUOTE = Code(
    "P250",
    "number-not-in-quote",
    E,
    "a number a declaration states is not written in any of its quotes",
)
SUPERSEDES_LATER = Code(
    "P240", "supersedes-later", E, "a declaration supersedes or stops one that starts after it"
)
RETAINS_UNRELATED = Code(
    "P241",
    "retains-unrelated",
    E,
    "`behoudt` names a declaration that the stopped one does not lead to",
)

# P29x: binding words (compiler/check/character.py)
CHARACTER_MISSING = Code(
    "P290", "character-missing", E, "a target that is not `bindend` has no `karakter`"
)
RETIRED_FLAG = Code(
    "P291", "retired-flag", E, "the retired flag `indicatief`: `karakter` replaces it"
)
# P28x: history (compiler/check/history.py)
RECURRING_WITHOUT_FIRST = Code(
    "P280",
    "recurring-without-first",
    E,
    "a recurring duty (`cadans`) has no first year (`eerste`), so it never becomes due",
)

# P27x: entity kinds, selections and aggregates (compiler/check/kinds.py)
SELECTION_WRONG_KIND = Code(
    "P270",
    "selection-wrong-kind",
    E,
    "a selection of one kind of entity names an indicator measured per entity of another kind",
)
INVALID_AGGREGATE = Code(
    "P271",
    "invalid-aggregate",
    E,
    "an aggregate (`berekend som`, `aantal`, `aandeel`) names what cannot be added up "
    "into its level",
)
TARGET_GOAL_WRONG_KIND = Code(
    "P272",
    "target-goal-wrong-kind",
    E,
    "a target's per-entity goal names an indicator that does not have one value per entity "
    "of the target's kind",
)

# P26x: passages marked out of scope (compiler/check/scope.py)
SCOPE_OVERLAPS_CITATION = Code(
    "P260",
    "scope-overlaps-citation",
    W,
    "a passage marked out of scope (`buiten_scope`) holds lines a declaration cites",
)
SCOPE_WITHOUT_REASON = Code(
    "P261",
    "scope-without-reason",
    E,
    "a `buiten_scope` gives no `reden`, or an empty one, for leaving its passages out",
)
UNKNOWN_CHAPTER = Code(
    "P262",
    "unknown-chapter",
    E,
    "a document's `bereik` names a chapter its `hoofdstuk` fields do not declare, or declare twice",
)
# P265-P266: the official identity of a document (compiler/check/identity.py)
MALFORMED_URL = Code(
    "P265", "malformed-url", E, "a document's `url` is not a well-formed https address"
)
MALFORMED_KAMERSTUK = Code(
    "P266",
    "malformed-kamerstuk",
    E,
    "a document's `kamerstuk` is not written as the official number (`35 334, nr. 300`)",
)

# P3xx: the dependency graph (compiler/check/)
DEPENDENCY_CYCLE = Code(
    "P301", "dependency-cycle", E, "declarations depend on each other in a cycle"
)

# P4xx: warnings that never block
PENDING_VALUE = Code(
    "P401", "pending-value", W, "a value the sources leave open is declared pending"
)
ENGLISH_TITLE_MISSING = Code(
    "P410",
    "english-title-missing",
    W,
    "a declaration has no English title (`titel_en`) in a rule file that gives others one",
)

# P5xx: consistency between source documents (compiler/check/); findings, not errors
SOURCES_DISAGREE = Code(
    "P501",
    "sources-disagree",
    W,
    "two documents give different values for the same target, and no `bevinding` records it",
)

# D0xx: monitoring data, validated against the schema derived from the indicators (compiler/data/)
DATA_UNREADABLE = Code(
    "D001", "data-unreadable", E, "a data file is missing, too large, binary or not UTF-8"
)
DATA_SYNTAX = Code(
    "D002",
    "data-syntax",
    E,
    "a data file is not well-formed CSV or YAML, or has an unknown file type",
)
MISSING_COLUMN = Code("D003", "missing-column", E, "a data file lacks a column the schema requires")
UNKNOWN_COLUMN = Code(
    "D004", "unknown-column", E, "a data file has a column the schema does not know"
)
UNKNOWN_INDICATOR = Code(
    "D005", "unknown-indicator", E, "a row names an indicator the policy does not declare"
)
WRONG_UNIT = Code(
    "D006", "wrong-unit", E, "a value's unit is unknown or does not fit its indicator"
)
MISSING_VALUE = Code("D007", "missing-value", E, "a required field of a row is empty")
NOT_A_NUMBER = Code("D008", "not-a-number", E, "a field that holds a number holds something else")
DUPLICATE_ROW = Code("D009", "duplicate-row", E, "two rows give a value for the same thing")
INVALID_PERIOD = Code(
    "D010", "invalid-period", E, "a period is not a year (YYYY) or a date (YYYY-MM-DD)"
)
INVALID_CHOICE = Code(
    "D011", "invalid-choice", E, "a field that takes one of a fixed list of words holds another"
)
WRONG_LEVEL = Code(
    "D012",
    "wrong-level",
    E,
    "a series names a per-entity indicator, or an entity table a sector one",
)
VALUE_OUT_OF_RANGE = Code(
    "D013", "value-out-of-range", E, "a number is outside what its indicator allows"
)
RAGGED_ROW = Code("D014", "ragged-row", E, "a row has more or fewer fields than the header")
UNKNOWN_SUBJECT = Code(
    "D015",
    "unknown-subject",
    E,
    "an event names an entity, actor or obligation that does not exist",
)
TOO_MANY_ROWS = Code("D016", "too-many-rows", E, "a data file has more rows than the limit")
EMPTY_DATA = Code("D017", "empty-data", W, "a data file has a header but no rows")
NO_SOURCE = Code(
    "D018",
    "no-source",
    E,
    "a series value says neither where it was published (url and quote) "
    "nor how it was made (source)",
)
UNKNOWN_ENTITY = Code(
    "D021", "unknown-entity", E, "a regional table names an entity its kind does not have"
)
WRONG_ENTITY_KIND = Code(
    "D022", "wrong-entity-kind", E, "a regional table holds an entity of another kind"
)
NUMBER_SYNTAX = Code(
    "D023",
    "number-syntax",
    E,
    "a number is not written in the data grammar (ASCII digits, a sign, a decimal point)",
)
NOT_FINITE = Code(
    "D024", "not-finite", E, "a value is not a finite number (nan, inf, or too large to read)"
)
CONVERSION_OVERFLOW = Code(
    "D025", "conversion-overflow", E, "a value becomes infinite when converted to its unit"
)
DUPLICATE_COLUMN = Code("D026", "duplicate-column", E, "a CSV header names the same column twice")

# L0xx: the ledger (compiler/evaluate/)
LEDGER_CONFLICT = Code(
    "L001",
    "ledger-conflict",
    E,
    "a moment is already recorded with other inputs; re-evaluating it needs `--replace`",
)
NOT_A_LEDGER = Code(
    "L002",
    "not-a-ledger",
    E,
    "the ledger file is not a beleid ledger, is of another version, or is damaged",
)
MOMENT_OUT_OF_ORDER = Code(
    "L003", "moment-out-of-order", E, "a moment lies before one the ledger already holds"
)
LEDGER_DISK_FULL = Code(
    "L004", "ledger-disk-full", E, "the disk holding the ledger is full; nothing was recorded"
)
LEDGER_READ_ONLY = Code(
    "L005",
    "ledger-read-only",
    E,
    "the ledger file or its folder cannot be written (read-only or another owner)",
)
LEDGER_LOCKED = Code(
    "L006",
    "ledger-locked",
    E,
    "another process held the ledger's lock for longer than the run would wait",
)
LEDGER_IO_ERROR = Code(
    "L007", "ledger-io-error", E, "reading or writing the ledger failed in the file system"
)
INPUTS_CHANGED = Code(
    "L008",
    "inputs-changed",
    E,
    "a recorded moment is evaluated again from other files or options than its receipt names; "
    "`--new-run` records a separate run",
)

# S0xx: scenario files (compiler/data/)
SCENARIO_INVALID = Code(
    "S001", "scenario-invalid", E, "a scenario file does not follow the scenario schema"
)
ASSUMPTION_INVALID = Code(
    "S002",
    "assumption-invalid",
    E,
    "a scenario assumes a value for something that is not pending, or writes it wrongly",
)

# S010-S019: adding a source document (`beleid add-source`, compiler/workflow/)
NOT_A_PDF = Code(
    "S010", "not-a-pdf", E, "a file given as a PDF is not one, or is too damaged to read"
)
PDF_ENCRYPTED = Code(
    "S011", "pdf-encrypted", E, "a PDF is encrypted and cannot be opened without a password"
)
PDF_WITHOUT_TEXT = Code(
    "S012", "pdf-without-text", E, "a PDF has no text layer (a scan), so there is no text to cite"
)
SOURCE_TAKEN = Code(
    "S013",
    "source-taken",
    E,
    "a new source's id is already declared, or the same document is already a source text",
)
SOURCE_UNREADABLE = Code(
    "S014",
    "source-unreadable",
    E,
    "a file to add as a source cannot be read, is not UTF-8 text, or is larger than the limit",
)

# T0xx: policy scenario tests (compiler/workflow/)
TEST_FILE_INVALID = Code(
    "T001",
    "test-file-invalid",
    E,
    "a policy test file is not valid YAML or does not follow the test schema",
)
TEST_DATA_INVALID = Code(
    "T002",
    "test-data-invalid",
    E,
    "a policy test names a declaration, farm or data file that does not exist",
)

# G0xx: commitment guards of the semantic diff (compiler/diff/)
FROZEN_VALUE_CHANGED = Code(
    "G001",
    "frozen-value-changed",
    E,
    "a change touches a declaration that a `borging` freezes (`vast_tot`) before that date",
)
SUPERSEDED_EDITED = Code(
    "G002",
    "superseded-edited",
    E,
    "a change edits a declaration that another declaration has replaced or stopped",
)
CITATION_DROPPED = Code(
    "G003", "citation-dropped", E, "a declaration loses a citation without re-citing the same lines"
)

# C0xx: named here from their own module, so the registry stays one namespace.
from dsl.configcodes import *  # noqa: E402, F403

ALL_CODES: tuple[Code, ...] = tuple(
    value for value in dict(globals()).values() if isinstance(value, Code)
)
BY_ID: dict[str, Code] = {code.id: code for code in ALL_CODES}
