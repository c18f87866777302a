"""A deliberately small formula evaluator. Formulas are stored as text and evaluated when read.

Supported: numbers, "strings", TRUE/FALSE, cell references and ranges (``A1``, ``$B$2``, ``Sheet2!A1:B3``,
``'ข้อมูล'!A:A``), unary ``+ -``, postfix ``%``, ``^ * / + - &`` and comparisons, and the functions
SUM AVERAGE MIN MAX COUNT COUNTA IF IFERROR AND OR NOT CONCATENATE CONCAT LEN UPPER LOWER TRIM ROUND ABS
HYPERLINK. Errors follow Sheets (``#DIV/0!``, ``#VALUE!``, ``#REF!`` for a missing sheet or a circular
reference). Any other function makes :class:`Unsupported` propagate; the caller then shows the formula's
own text as its value (a real spreadsheet would compute it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .a1 import RangeError, col_number, find_title
from .cells import ErrorValue


class Unsupported(Exception):
    """The formula uses something this evaluator does not implement."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<str>"(?:[^"]|"")*")
    | (?P<ref>(?:(?:'(?:[^']|'')+'|[^\s'!():,;&=<>+\-*/^%"]+)!)?
              \$?[A-Za-z]{1,3}\$?[0-9]+(?::\$?[A-Za-z]{1,3}\$?[0-9]+)?
            |(?:(?:'(?:[^']|'')+'|[^\s'!():,;&=<>+\-*/^%"]+)!)?\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}
            |(?:'(?:[^']|'')+'|[^\s'!():,;&=<>+\-*/^%"]+)![0-9]+:[0-9]+)
    | (?P<func>[A-Za-z_][A-Za-z0-9_.]*)\s*\(
    | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<op><>|<=|>=|[-+*/^&=<>(),;%])
    )""",
    re.VERBOSE,
)

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)\Z")


class _Range:
    def __init__(self, values: list[Any]):
        self.values = values


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(text[pos:])
        kind = m.lastgroup or "op"
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Evaluator:
    """Evaluates formula cells of one spreadsheet; one instance per read so results are memoised.

    ``get_cell(title, row, col)`` returns the stored Cell or None; ``titles`` lists the sheets.
    """

    def __init__(self, titles: list[str], get_cell: Callable[[str, int, int], Any],
                 grid_size: Callable[[str], tuple[int, int]]):
        self.titles = titles
        self.get_cell = get_cell
        self.grid_size = grid_size
        self.cache: dict[tuple[str, int, int], Any] = {}
        self.visiting: set[tuple[str, int, int]] = set()

    # --- public -------------------------------------------------------------------------------------
    def cell_value(self, title: str, row: int, col: int) -> Any:
        """The effective value of a cell (None when empty). Raises Unsupported."""
        key = (title, row, col)
        if key in self.cache:
            return self.cache[key]
        cell = self.get_cell(title, row, col)
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        if key in self.visiting:
            return ErrorValue("#REF!", "Circular dependency detected. To resolve with iterative "
                                       "calculation, see File > Settings.")
        self.visiting.add(key)
        try:
            value = self.evaluate(cell.formula, title)
        finally:
            self.visiting.discard(key)
        self.cache[key] = value
        return value

    def evaluate(self, formula: str, title: str) -> Any:
        self._toks = _tokens(formula[1:] if formula.startswith("=") else formula)
        self._pos = 0
        self._title = title
        if not self._toks:
            raise Unsupported(formula)
        value = self._compare()
        if self._pos != len(self._toks):
            raise Unsupported(formula)
        if isinstance(value, _Range):
            value = value.values[0] if len(value.values) == 1 else ErrorValue("#VALUE!")
        return value

    # --- parser -------------------------------------------------------------------------------------
    def _peek(self) -> tuple[str, str] | None:
        return self._toks[self._pos] if self._pos < len(self._toks) else None

    def _take(self, op: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if tok is None or (op is not None and tok[1] != op):
            raise Unsupported(f"expected {op}")
        self._pos += 1
        return tok

    def _is_op(self, *ops: str) -> bool:
        tok = self._peek()
        return tok is not None and tok[0] == "op" and tok[1] in ops

    def _compare(self) -> Any:
        left = self._concat()
        while self._is_op("=", "<>", "<", ">", "<=", ">="):
            op = self._take()[1]
            right = self._concat()
            left = _compare(op, _scalar(left), _scalar(right))
        return left

    def _concat(self) -> Any:
        left = self._additive()
        while self._is_op("&"):
            self._take()
            right = self._additive()
            a, b = _scalar(left), _scalar(right)
            left = a if isinstance(a, ErrorValue) else b if isinstance(b, ErrorValue) else _text(a) + _text(b)
        return left

    def _additive(self) -> Any:
        left = self._multiplicative()
        while self._is_op("+", "-"):
            op = self._take()[1]
            right = self._multiplicative()
            left = _arith(op, left, right)
        return left

    def _multiplicative(self) -> Any:
        left = self._power()
        while self._is_op("*", "/"):
            op = self._take()[1]
            right = self._power()
            left = _arith(op, left, right)
        return left

    def _power(self) -> Any:
        left = self._unary()
        while self._is_op("^"):
            self._take()
            right = self._unary()
            left = _arith("^", left, right)
        return left

    def _unary(self) -> Any:
        if self._is_op("-"):
            self._take()
            return _arith("*", -1, self._unary())
        if self._is_op("+"):
            self._take()
            return self._unary()
        value = self._primary()
        while self._is_op("%"):
            self._take()
            value = _arith("/", value, 100)
        return value

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "name":
            if text.upper() in ("TRUE", "FALSE"):
                return text.upper() == "TRUE"
            raise Unsupported(text)  # named ranges are not modelled
        if kind == "ref":
            return self._reference(text)
        if kind == "func":
            args = []
            if not self._is_op(")"):
                args.append(self._compare())
                while self._is_op(",", ";"):
                    self._take()
                    args.append(self._compare())
            self._take(")")
            return self._call(text.upper(), args)
        if kind == "op" and text == "(":
            value = self._compare()
            self._take(")")
            return value
        raise Unsupported(text)

    def _reference(self, text: str) -> Any:
        title = self._title
        if "!" in text:
            sheet, _, text = text.rpartition("!")
            if sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            found = find_title(sheet, self.titles)
            if found is None:
                return ErrorValue("#REF!", f"Unresolved sheet name '{sheet}'.")
            title = found
        rows, cols = self.grid_size(title)
        if ":" not in text:
            m = _CELL.match(text)
            if not m:
                raise Unsupported(text)
            return self.cell_value(title, int(m.group(2)), col_number(m.group(1)))
        left, _, right = text.partition(":")
        try:
            if left.strip("$").isdigit():
                r1, r2, c1, c2 = int(left.strip("$")), int(right.strip("$")), 1, cols
            elif _CELL.match(left):
                ml, mr = _CELL.match(left), _CELL.match(right)
                if not ml or not mr:
                    raise RangeError(text)
                r1, r2 = int(ml.group(2)), int(mr.group(2))
                c1, c2 = col_number(ml.group(1)), col_number(mr.group(1))
            else:
                r1, r2, c1, c2 = 1, rows, col_number(left.strip("$")), col_number(right.strip("$"))
        except RangeError as exc:
            raise Unsupported(text) from exc
        r1, r2 = sorted((r1, r2))
        c1, c2 = sorted((c1, c2))
        values = [self.cell_value(title, r, c) for r in range(r1, min(r2, rows) + 1)
                  for c in range(c1, min(c2, cols) + 1)]
        return _Range(values)

    # --- functions ----------------------------------------------------------------------------------
    def _call(self, name: str, args: list[Any]) -> Any:
        flat: list[Any] = []
        for a in args:
            flat.extend(a.values if isinstance(a, _Range) else [a])
        errors = [v for v in flat if isinstance(v, ErrorValue)]
        if name in ("SUM", "AVERAGE", "MIN", "MAX", "COUNT"):
            if errors and name != "COUNT":
                return errors[0]
            nums = [float(v) for v in flat if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if name == "SUM":
                return sum(nums)
            if name == "COUNT":
                return float(len(nums))
            if name == "AVERAGE":
                return sum(nums) / len(nums) if nums else ErrorValue("#DIV/0!", "Evaluation of function "
                                                                     "AVERAGE caused a divide by zero error.")
            return (min(nums) if name == "MIN" else max(nums)) if nums else 0.0
        if name == "COUNTA":
            return float(sum(1 for v in flat if v is not None and v != ""))
        if name == "IF":
            if len(args) not in (2, 3):
                raise Unsupported(name)
            cond = _scalar(args[0])
            if isinstance(cond, ErrorValue):
                return cond
            branch = args[1] if _truthy(cond) else (args[2] if len(args) == 3 else False)
            return _scalar(branch)
        if name == "IFERROR":
            value = _scalar(args[0])
            return (_scalar(args[1]) if len(args) > 1 else "") if isinstance(value, ErrorValue) else value
        if name in ("AND", "OR"):
            if errors:
                return errors[0]
            bools = [_truthy(v) for v in flat if v is not None]
            return all(bools) if name == "AND" else any(bools)
        if name == "NOT":
            value = _scalar(args[0])
            return value if isinstance(value, ErrorValue) else not _truthy(value)
        if name in ("CONCATENATE", "CONCAT"):
            return errors[0] if errors else "".join(_text(v) for v in flat)
        if name in ("LEN", "UPPER", "LOWER", "TRIM", "ABS", "ROUND", "HYPERLINK"):
            scalars = [_scalar(a) for a in args]
            if any(isinstance(v, ErrorValue) for v in scalars):
                return next(v for v in scalars if isinstance(v, ErrorValue))
            if not scalars:
                raise Unsupported(name)
            first = scalars[0]
            if name == "LEN":
                return float(len(_text(first)))
            if name == "UPPER":
                return _text(first).upper()
            if name == "LOWER":
                return _text(first).lower()
            if name == "TRIM":
                return " ".join(_text(first).split())
            if name == "HYPERLINK":
                return scalars[1] if len(scalars) > 1 else first
            number = _number(first)
            if isinstance(number, ErrorValue):
                return number
            if name == "ABS":
                return abs(number)
            digits = _number(scalars[1]) if len(scalars) > 1 else 0.0
            if isinstance(digits, ErrorValue):
                return digits
            return _round_half_away(number, int(digits))
        raise Unsupported(name)


def _round_half_away(x: float, digits: int) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def _scalar(value: Any) -> Any:
    if isinstance(value, _Range):
        return value.values[0] if len(value.values) == 1 else ErrorValue("#VALUE!")
    return value


def _text(value: Any) -> str:
    from .cells import general

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return general(value)
    return str(value)


def _number(value: Any) -> float | ErrorValue:
    if isinstance(value, ErrorValue):
        return value
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return ErrorValue("#VALUE!", f"Function expects number values. But '{value}' is a text and "
                                     "cannot be coerced to a number.")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.upper() == "TRUE" or (value not in ("", "FALSE") and bool(value))
    return bool(value)


def _arith(op: str, left: Any, right: Any) -> Any:
    a, b = _number(_scalar(left)), _number(_scalar(right))
    if isinstance(a, ErrorValue):
        return a
    if isinstance(b, ErrorValue):
        return b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return ErrorValue("#DIV/0!", "Function DIVIDE parameter 2 cannot be zero.")
        return a / b
    try:
        return float(a**b)
    except (OverflowError, ZeroDivisionError, TypeError):
        return ErrorValue("#NUM!")


def _compare(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, ErrorValue):
        return a
    if isinstance(b, ErrorValue):
        return b

    def key(v: Any) -> tuple[int, Any]:
        if v is None:
            return (0, 0.0)
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, (int, float)):
            return (0, float(v))
        return (1, str(v).casefold())

    ka, kb = key(a), key(b)
    if a is None and isinstance(b, str):
        ka = (1, "")
    if b is None and isinstance(a, str):
        kb = (1, "")
    return {"=": ka == kb, "<>": ka != kb, "<": ka < kb, ">": ka > kb, "<=": ka <= kb, ">=": ka >= kb}[op]
