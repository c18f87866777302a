"""Text normalisation and tolerant matching of labels typed by officers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from pythainlp.util import (
    arabic_digit_to_thai_digit,
    eng_to_thai,
    thai_digit_to_arabic_digit,
    thai_to_eng,
)
from pythainlp.util import normalize as thai_normalize

__all__ = ["LabelMatcher", "normalise_text", "to_arabic_digits", "to_thai_digits"]

# ZWSP, ZWNJ, ZWJ, word joiner, BOM / ZWNBSP, soft hyphen, Mongolian vowel separator.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
# Nikhahit (+ tone marks) + sara aa, the decomposed way of typing sara am.
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]*)\u0e32")
# Text without these needs neither the invisible-character nor the sara am step.
_INVISIBLE_OR_NIKHAHIT = re.compile(f"[{_INVISIBLE_CHARS}\u0e4d]")
_BRACKET_GROUP = re.compile(r"[(\[{（][^()\[\]{}（）]*[)\]}）]")
_THAI = re.compile("[\u0e01-\u0e5b]")
_THAI_BLOCK = re.compile("[\u0e00-\u0e7f]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_PHAK = "ภาค"


def normalise_text(value: str) -> str:
    """NFC, no zero-width characters, sara am composed, all spaces one ASCII space, trimmed.

    Called once for nearly every cell read, so each step runs only when the text needs it (ASCII
    text needs none but the spaces).
    """
    if value.isascii():
        return " ".join(value.split())
    if _INVISIBLE_OR_NIKHAHIT.search(value):
        value = value.translate(_INVISIBLE)
        if "\u0e4d" in value:
            value = _SPLIT_SARA_AM.sub("\\1\u0e33", value)
    return " ".join(unicodedata.normalize("NFC", value).split())


def to_arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ to 0–9; everything else unchanged."""
    return thai_digit_to_arabic_digit(text)


def to_thai_digits(text: str) -> str:
    """Digits 0–9 to Thai digits ๐–๙; everything else unchanged."""
    return arabic_digit_to_thai_digit(text)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _strip_punct_edges(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_punct(text[start]):
        start += 1
    while end > start and _is_punct(text[end - 1]):
        end -= 1
    return text[start:end]


def _spaceless(text: str) -> str:
    """Normalised, Thai-normalised, Arabic digits, case-folded, all spaces removed."""
    text = to_arabic_digits(normalise_text(text))
    if _THAI_BLOCK.search(text):  # pythainlp's rules change nothing else in normalised text
        text = thai_normalize(text)
    return text.casefold().replace(" ", "")


def _drop_phak(text: str) -> str:
    """`text` without a leading ภาค (only when a new syllable follows: ภาคี is kept)."""
    if text.startswith(_PHAK) and len(text) > len(_PHAK) and unicodedata.category(text[len(_PHAK)]) != "Mn":
        return text[len(_PHAK) :]
    return text


def _keys(text: str) -> tuple[str, str]:
    """(compact, loose) comparison forms of `text`.

    compact: spaceless without punctuation at the edges; loose: also without bracketed remarks,
    without any punctuation and without a leading ภาค.
    """
    spaceless = _spaceless(text)
    compact = _strip_punct_edges(spaceless)
    loose = "".join(ch for ch in _BRACKET_GROUP.sub("", spaceless) if not _is_punct(ch))
    return compact, _drop_phak(loose or "".join(ch for ch in spaceless if not _is_punct(ch)) or compact)


def _allowed_edits(length: int, max_edits: int) -> int:
    """Edits tolerated between strings whose shorter one has `length` characters."""
    if length <= 3:
        return 0
    if length <= 6:
        return min(1, max_edits)
    return max_edits


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of `a` and `b`, or `limit + 1` once it is known to exceed `limit`.

    Only the diagonal band of width `limit` is computed, so the cost is O(len * limit).
    """
    over = limit + 1
    if abs(len(a) - len(b)) > limit:
        return over
    if a == b:
        return 0
    width = len(b)
    previous = [j if j <= limit else over for j in range(width + 1)]
    for i, ca in enumerate(a, 1):
        current = [over] * (width + 1)
        current[0] = row_min = i if i < over else over
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            cost = previous[j - 1] if ca == b[j - 1] else previous[j - 1] + 1
            if previous[j] < cost:
                cost = previous[j] + 1
            if current[j - 1] < cost:
                cost = current[j - 1] + 1
            current[j] = cost
            if cost < row_min:
                row_min = cost
        if row_min > limit:
            return over
        previous = current
    return min(previous[width], over)


def _deletions(text: str, depth: int) -> set[str]:
    """Every string `text` becomes with at most `depth` of its characters deleted (itself too)."""
    found = frontier = {text}
    for _ in range(depth):
        frontier = {s[:i] + s[i + 1 :] for s in frontier for i in range(len(s))}
        found = found | frontier
    return found


class _NearKeys:
    """The keys a typed text may be within `depth` edits of, without measuring every key.

    Keys are indexed by length and by every form they take with up to `depth` characters deleted:
    two strings within that edit distance have lengths at most `depth` apart and share such a
    form. For each text the cheaper way is taken: the keys of nearby lengths when they are few, else
    those sharing a form (a long unknown text has hundreds of forms, a short typo dozens of keys).
    """

    def __init__(self, keys: Iterable[str], depth: int):
        self.depth = depth
        self.by_length: dict[int, list[str]] = {}
        self.by_form: dict[str, set[str]] = {}
        for key in keys:
            self.by_length.setdefault(len(key), []).append(key)
            for form in _deletions(key, depth):
                self.by_form.setdefault(form, set()).add(key)

    def candidates(self, typed: str) -> Iterable[str]:
        size = len(typed)
        nearby = [k for n in range(size - self.depth, size + self.depth + 1) for k in self.by_length.get(n, ())]
        forms = sum(math.comb(size, i) for i in range(self.depth + 1))  # how many _deletions makes
        if len(nearby) * size <= forms:  # measuring a key costs about as much as one form per character
            return nearby
        return {key for form in _deletions(typed, self.depth) for key in self.by_form.get(form, ())}


def _abbreviates(pieces: list[str], key: str) -> bool:
    """Whether `key` is pieces[0] + something + pieces[1] + something ... + pieces[-1] (the dotted form)."""
    positions = {0}
    for piece in pieces[:-1]:
        positions = {
            rest
            for pos in positions
            if key.startswith(piece, pos)
            for rest in range(pos + len(piece) + 1, len(key) + 1)
        }
    return any(key[pos:] == pieces[-1] for pos in positions)


class LabelMatcher:
    """Maps what officers type (synonyms, typos, wrong keyboard layout, abbreviations) to a canonical label.

    Build once per label set; `match` is memoised per input text.
    """

    _CACHE_LIMIT = 50_000

    def __init__(self, labels: Sequence[tuple[str, Sequence[str]]], max_edits: int = 2):
        self._labels = tuple(dict.fromkeys(name for name, _ in labels))
        self._max_edits = max(0, max_edits)
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        self._dotless: list[tuple[str, str]] = []
        for name, synonyms in labels:
            for text in (name, *synonyms):
                compact, loose = _keys(str(text))
                if compact:
                    self._exact.setdefault(compact, set()).add(name)
                    self._loose.setdefault(loose, set()).add(name)
                    self._dotless.append((compact.replace(".", ""), name))
        self._cache: dict[str, str | None] = {}
        self._near = [_NearKeys(index, self._max_edits) for index in (self._exact, self._loose)]

    @property
    def labels(self) -> tuple[str, ...]:
        """Canonical names in configuration order."""
        return self._labels

    def match(self, text: str) -> str | None:
        """The canonical label `text` stands for, or None when unknown or ambiguous."""
        if text is None:
            return None
        text = str(text)
        if text not in self._cache:
            if len(self._cache) >= self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = self._match(text)
        return self._cache[text]

    def _match(self, text: str) -> str | None:
        keys = _keys(text)
        if not keys[0]:
            return None
        for names in (
            self._lookup(keys),
            self._abbreviation(keys[0]),
            self._other_layout(normalise_text(text)),
            self._nearest(keys),
        ):
            if names:
                return next(iter(names)) if len(names) == 1 else None
        return None

    def _lookup(self, keys: tuple[str, str]) -> set[str]:
        return self._exact.get(keys[0]) or self._loose.get(keys[1]) or set()

    def _abbreviation(self, compact: str) -> set[str]:
        """ภ.รัฐ = ภาครัฐ; otherwise each dotted piece abbreviates the start of the next part of a key."""
        if "." not in compact:
            return set()
        if compact.startswith("ภ.") and len(compact) > 2:
            found = self._lookup(_keys(_PHAK + compact[2:]))
            if found:
                return found
        pieces = compact.split(".")
        if not all(pieces[:-1]):
            return set()
        return {name for key, name in self._dotless if _abbreviates(pieces, key)}

    def _other_layout(self, norm: str) -> set[str]:
        """Text typed with the keyboard in the other (Thai/English Kedmanee) layout."""
        has_thai, has_latin = bool(_THAI.search(norm)), bool(_LATIN_LETTER.search(norm))
        if has_latin and not has_thai:
            keys = _keys(eng_to_thai(norm))
        elif has_thai and not has_latin:
            keys = _keys(thai_to_eng(norm))
        else:
            return set()
        return self._lookup(keys) if keys[0] else set()

    def _nearest(self, keys: tuple[str, str]) -> set[str]:
        """The closest canonical(s), if the closest is within the edit bound of the shorter string."""
        limit = self._max_edits
        if limit == 0:
            return set()
        best: dict[str, tuple[int, bool]] = {}
        for typed, index, near in ((keys[0], self._exact, self._near[0]), (keys[1], self._loose, self._near[1])):
            for key in near.candidates(typed):
                names = index[key]
                d = _distance(typed, key, limit)
                if d > limit:
                    continue
                within = d <= _allowed_edits(min(len(typed), len(key)), limit)
                for name in names:
                    known = best.get(name, (limit + 1, False))
                    if d < known[0] or (d == known[0] and within):
                        best[name] = (d, within)
        if not best:
            return set()
        closest = min(d for d, _ in best.values())
        winners = {name for name, (d, _) in best.items() if d == closest}
        if len(winners) == 1 and not best[next(iter(winners))][1]:
            return set()
        return winners
