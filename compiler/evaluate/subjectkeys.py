"""Subject labels as columns of UTF-8 bytes, and labels found among other labels with NumPy: how the
ledger refers to a farm (or an actor) once by number and finds each subject's row in a population
without a Python object per entity.

A label of at most eight bytes is read as one big-endian 64-bit number (its bytes in order, zero
padded), so matching is sorting and searching integers. Longer labels are matched through a
dictionary: correct, and slower by about a microsecond per label.
"""

from __future__ import annotations

import weakref

import numpy as np

WORD = 8  # bytes in one integer key
_SYNTHETIC_DIGITS = 7  # synthetic farms are B0000001, B0000002, ... (compiler/data/types.py)
_cache: dict[int, tuple[weakref.ref | None, object, np.ndarray]] = {}


def utf8(labels) -> np.ndarray:
    """The labels as a NumPy array of UTF-8 bytes (dtype `S`)."""
    array = np.asarray(labels)
    if array.dtype.kind == "S":
        return array
    if array.size == 0:
        return np.zeros(0, dtype="S1")
    try:
        return array.astype("S")  # ASCII: NumPy encodes it without a Python loop
    except UnicodeEncodeError:
        return np.array([str(label).encode() for label in array.tolist()], dtype="S")


def texts(labels: np.ndarray) -> list[str]:
    """UTF-8 byte labels back as Python strings."""
    try:
        return labels.astype("U").tolist()
    except UnicodeDecodeError:
        return [label.decode() for label in labels.tolist()]


def of_population(population) -> np.ndarray:
    """The labels of a population's rows as UTF-8 bytes: its own, or the synthetic farms' names
    (computed digit by digit, kept while the population's label column lives).
    """
    key = id(population.labels) if population.labels is not None else -population.size - 1
    cached = _cache.get(key)
    if cached is not None and (cached[0] is None or cached[0]() is population.labels):
        return cached[2]
    if population.labels is not None:
        labels = utf8(population.labels)
        _cache[key] = (weakref.ref(population.labels), None, labels)
    else:
        labels = synthetic(population.size)
        if len(_cache) > 16:  # synthetic sizes are few; never let the cache grow without bound
            _cache.clear()
        _cache[key] = (None, None, labels)
    return labels


def synthetic(size: int) -> np.ndarray:
    """`B0000001` ... for `size` farms, as UTF-8 bytes, without formatting each name."""
    number = np.arange(1, size + 1, dtype=np.int64)
    digits = max(_SYNTHETIC_DIGITS, len(str(size)))
    matrix = np.zeros((size, digits + 1), dtype=np.uint8)
    matrix[:, 0] = ord("B")
    for length in range(_SYNTHETIC_DIGITS, digits + 1):
        low = 1 if length == _SYNTHETIC_DIGITS else 10 ** (length - 1)
        rows = slice(low - 1, min(size, 10**length - 1))
        value = number[rows].copy()
        for column in range(length, 0, -1):
            matrix[rows, column] = value % 10 + ord("0")
            value //= 10
    return matrix.view(f"S{digits + 1}").ravel()


def integer_keys(labels: np.ndarray) -> np.ndarray | None:
    """One unsigned 64-bit number per label (its bytes, big-endian), or None when a label is
    longer than eight bytes.
    """
    width = labels.dtype.itemsize
    if width > WORD:
        return None
    padded = np.zeros((len(labels), WORD), dtype=np.uint8)
    padded[:, :width] = np.frombuffer(labels.tobytes(), dtype=np.uint8).reshape(-1, width)
    return padded.view(">u8").ravel().astype(np.uint64)


def find(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """For every needle, its position in `haystack` (labels as UTF-8 bytes, each once); -1 where
    it is not there.
    """
    if len(needles) == 0 or len(haystack) == 0:
        return np.full(len(needles), -1, dtype=np.int64)
    hay, wanted = integer_keys(haystack), integer_keys(needles)
    if hay is None or wanted is None:
        lookup = {label: i for i, label in enumerate(haystack.tolist())}
        return np.array([lookup.get(label, -1) for label in needles.tolist()], dtype=np.int64)
    order = np.argsort(hay, kind="stable")
    ranked = hay[order]
    at = np.minimum(np.searchsorted(ranked, wanted), len(ranked) - 1)
    return np.where(ranked[at] == wanted, order[at], -1).astype(np.int64)


def unique(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct labels (in order of first appearance) and, for every label, the place of its
    distinct label.
    """
    keys = integer_keys(labels)
    if keys is None:
        places: dict[bytes, int] = {}
        inverse = np.array([places.setdefault(b, len(places)) for b in labels.tolist()], np.int64)
        return np.array(list(places), dtype=labels.dtype), inverse
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # distinct labels in order of first appearance
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return labels[first[order]], rank[inverse.ravel()]
