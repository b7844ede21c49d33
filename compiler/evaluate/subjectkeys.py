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
_cache: dict[int, tuple[weakref.ref | None, list]] = {}  # label column -> [bytes, Index]


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


class Index:
    """Labels (UTF-8 bytes, each once) prepared for finding: the integer key of every label of up
    to eight bytes in sorted order, and a dictionary of the longer ones, built when first needed.
    """

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels
        keys, fits = integer_keys(labels)
        short = np.flatnonzero(fits) if not fits.all() else None
        if short is None and bool(np.all(keys[1:] > keys[:-1])):  # sorted already (synthetic)
            self.order, self.ranked = None, keys
        else:
            order = np.argsort(keys if short is None else keys[short], kind="stable")
            self.order = (order if short is None else short[order]).astype(np.int32)
            self.ranked = keys[self.order]
        self.long = np.flatnonzero(~fits) if short is not None else None
        self._lookup: dict[bytes, int] | None = None

    def find(self, needles: np.ndarray) -> np.ndarray:
        """Every needle's position among the labels; -1 where it is not there."""
        found = np.full(len(needles), -1, dtype=np.int64)
        if len(needles) == 0 or len(self.labels) == 0:
            return found
        wanted, fits = integer_keys(needles)
        if len(self.ranked):
            at = np.minimum(np.searchsorted(self.ranked, wanted[fits]), len(self.ranked) - 1)
            places = at if self.order is None else self.order[at]
            found[fits] = np.where(self.ranked[at] == wanted[fits], places, -1)
        if self.long is not None and not fits.all():
            if self._lookup is None:
                self._lookup = dict(
                    zip(self.labels[self.long].tolist(), self.long.tolist(), strict=True)
                )
            rest = np.flatnonzero(~fits)
            found[rest] = [self._lookup.get(label, -1) for label in needles[rest].tolist()]
        return found


def of_population(population) -> np.ndarray:
    """The labels of a population's rows as UTF-8 bytes: its own, or the synthetic farms' names
    (computed digit by digit, kept while the population's label column lives).
    """
    return _population(population)[0]


def index_of_population(population) -> Index:
    """The population's labels prepared for finding (kept like its labels)."""
    entry = _population(population)
    if entry[1] is None:
        entry[1] = Index(entry[0])
    return entry[1]


def _population(population) -> list:
    key = id(population.labels) if population.labels is not None else -population.size - 1
    cached = _cache.get(key)
    if cached is not None and (cached[0] is None or cached[0]() is population.labels):
        return cached[1]
    if len(_cache) > 16:  # a process sees few populations; never let the cache grow unbounded
        _cache.clear()
    if population.labels is not None:
        entry = [utf8(population.labels), None]
        _cache[key] = (weakref.ref(population.labels), entry)
    else:
        entry = [synthetic(population.size), None]
        _cache[key] = (None, entry)
    return entry


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


def integer_keys(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One unsigned 64-bit number per label (its first eight bytes, big-endian, zero padded) and
    whether the label fits in them (only then is the number the label's alone).
    """
    width = labels.dtype.itemsize
    if width == WORD:
        return labels.view(">u8").astype(np.uint64), np.ones(len(labels), dtype=bool)
    width = max(width, 1)
    matrix = np.frombuffer(labels.astype(f"S{width}").tobytes(), dtype=np.uint8).reshape(-1, width)
    padded = np.zeros((len(labels), WORD), dtype=np.uint8)
    padded[:, : min(width, WORD)] = matrix[:, :WORD]
    fits = ~matrix[:, WORD:].any(axis=1) if width > WORD else np.ones(len(labels), dtype=bool)
    return padded.view(">u8").ravel().astype(np.uint64), fits


def find(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """For every needle, its position in `haystack` (labels as UTF-8 bytes, each once); -1 where
    it is not there. Labels of up to eight bytes are matched as integers, longer ones by a
    dictionary.
    """
    if len(needles) == 0 or len(haystack) == 0:
        return np.full(len(needles), -1, dtype=np.int64)
    return Index(haystack).find(needles)


def unique(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct labels (in order of first appearance) and, for every label, the place of its
    distinct label.
    """
    if len(labels) == 0:
        return labels, np.zeros(0, dtype=np.int64)
    keys, fits = integer_keys(labels)
    if not fits.all():
        places: dict[bytes, int] = {}
        inverse = np.array([places.setdefault(b, len(places)) for b in labels.tolist()], np.int64)
        return np.array(list(places), dtype=labels.dtype), inverse
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    starts = np.concatenate([[True], ranked[1:] != ranked[:-1]])
    if starts.all():  # the usual case: every label once
        return labels, np.arange(len(labels), dtype=np.int64)
    group = np.cumsum(starts) - 1
    first = order[starts]  # stable: the first appearance of each distinct label
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    inverse = np.empty(len(labels), dtype=np.int64)
    inverse[order] = rank[group]
    return labels[np.sort(first)], inverse


class Labels:
    """Labels by subject number: those of up to eight bytes in one `S8` column, longer ones (an
    actor's id, a long farm id) apart, so a few long labels do not widen a column of millions.
    """

    def __init__(self, batches: list[np.ndarray]) -> None:
        shorts: list[np.ndarray] = []
        self.long: dict[int, bytes] = {}
        start = 0
        for batch in batches:
            _, fits = integer_keys(batch)
            if not fits.all():
                for i in np.flatnonzero(~fits).tolist():
                    self.long[start + i] = batch[i]
                batch = np.where(fits, batch, b"")
            shorts.append(batch.astype(f"S{WORD}"))
            start += len(batch)
        self.short = np.concatenate(shorts) if shorts else np.zeros(0, dtype=f"S{WORD}")

    def __len__(self) -> int:
        return len(self.short)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        """The labels of subject numbers `ids` (UTF-8 bytes)."""
        taken = self.short[ids]
        if self.long:
            hit = np.isin(ids, np.fromiter(self.long, dtype=np.int64))
            if hit.any():
                values = [self.long[int(i)] for i in np.asarray(ids)[hit].tolist()]
                taken = taken.astype(f"S{max(WORD, *(len(v) for v in values))}")
                taken[hit] = values
        return taken

    def rows_in(self, index: Index) -> np.ndarray:
        """Every numbered subject's position in `index`; -1 where it is not there."""
        found = index.find(self.short)
        if self.long:
            numbers = np.fromiter(self.long, dtype=np.int64)
            found[numbers] = index.find(np.array(list(self.long.values()), dtype="S"))
        return found

    def number(self, label: bytes) -> int:
        """The number of one label (UTF-8 bytes); -1 when it has none."""
        if len(label) > WORD:
            return next((n for n, known in self.long.items() if known == label), -1)
        hits = [n for n in np.flatnonzero(self.short == label).tolist() if n not in self.long]
        return hits[0] if hits else -1
