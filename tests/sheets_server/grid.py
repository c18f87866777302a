"""Reading and writing cell blocks with Google's value semantics (no HTTP here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .a1 import A1Range, col_letters, format_range
from .cells import SKIP, Cell, ErrorValue, cell_from_input, render_plain, typed_value
from .errors import bad_request, invalid_value
from .formulas import Evaluator, Unsupported
from .store import Sheet, Spreadsheet

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
DIMENSIONS = ("ROWS", "COLUMNS")


def evaluator_for(ss: Spreadsheet) -> Evaluator:
    def get_cell(title: str, row: int, col: int) -> Cell | None:
        sheet = ss.sheet_by_title(title)
        return sheet.cells.get((row, col)) if sheet else None

    def grid_size(title: str) -> tuple[int, int]:
        sheet = ss.sheet_by_title(title)
        return (sheet.rows, sheet.cols) if sheet else (0, 0)

    return Evaluator(ss.titles(), get_cell, grid_size)


def effective_value(cell: Cell, ev: Evaluator, title: str, row: int, col: int) -> Any:
    """A formula's computed value, or the formula's own text when it cannot be computed here."""
    if cell.formula is None:
        return cell.value
    try:
        return ev.cell_value(title, row, col)
    except (Unsupported, RecursionError):
        return cell.formula


def number_format(sheet: Sheet, cell: Cell | None, row: int, col: int) -> dict | None:
    """A numberFormat set on the cell (repeatCell) wins over the one detected from typed input."""
    explicit = (sheet.formats.get(row, col) or {}).get("numberFormat")
    return explicit or (cell.fmt if cell is not None else None)


def render_cell(cell: Cell | None, ev: Evaluator, title: str, row: int, col: int, render: str,
                dt_render: str, fmt: dict | None = None) -> Any:
    if cell is None:
        return ""
    if cell.formula is not None:
        if render == "FORMULA":
            return cell.formula
        return render_plain(effective_value(cell, ev, title, row, col), fmt, render, dt_render)
    return render_plain(cell.value, fmt if fmt is not None else cell.fmt,
                        "UNFORMATTED_VALUE" if render == "FORMULA" else render, dt_render)


def _is_empty(value: Any) -> bool:
    return value == "" and not isinstance(value, bool)


def cells_in_box(sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> dict[tuple[int, int], Cell]:
    area = (r2 - r1 + 1) * (c2 - c1 + 1)
    if area > len(sheet.cells):
        return {k: v for k, v in sheet.cells.items() if r1 <= k[0] <= r2 and c1 <= k[1] <= c2}
    found = {}
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            cell = sheet.cells.get((r, c))
            if cell is not None:
                found[(r, c)] = cell
    return found


def read_box(ss: Spreadsheet, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, render: str,
             dt_render: str, major: str, ev: Evaluator | None = None) -> list[list[Any]]:
    """The values of a box, trimmed like Google: no trailing empty cells in a row, no trailing empty
    rows, and interior empty rows as ``[]``."""
    ev = ev or evaluator_for(ss)
    rendered: dict[tuple[int, int], Any] = {}
    for (r, c), cell in cells_in_box(sheet, r1, c1, r2, c2).items():
        fmt = number_format(sheet, cell, r, c) if sheet.formats else None
        value = render_cell(cell, ev, sheet.title, r, c, render, dt_render, fmt)
        if not _is_empty(value):
            rendered[(r, c)] = value
    if not rendered:
        return []
    if major == "COLUMNS":
        outer = sorted({c for _, c in rendered})
        last = max(outer)
        result = []
        for c in range(c1, last + 1):
            rows_here = [r for (r, cc) in rendered if cc == c]
            if not rows_here:
                result.append([])
                continue
            result.append([rendered.get((r, c), "") for r in range(r1, max(rows_here) + 1)])
        return result
    last_row = max(r for r, _ in rendered)
    by_row: dict[int, list[int]] = {}
    for r, c in rendered:
        by_row.setdefault(r, []).append(c)
    result = []
    for r in range(r1, last_row + 1):
        cols = by_row.get(r)
        if not cols:
            result.append([])
            continue
        result.append([rendered.get((r, c), "") for c in range(c1, max(cols) + 1)])
    return result


def grid_limits_error(rng: A1Range, sheet: Sheet):
    return bad_request(f"Range ({rng.described(sheet.title)}) exceeds grid limits. "
                       f"Max rows: {sheet.rows}, max columns: {sheet.cols}")


def read_range(ss: Spreadsheet, sheet: Sheet, rng: A1Range, render: str, dt_render: str,
               major: str, ev: Evaluator | None = None) -> dict:
    """A ValueRange for a values.get: the range clipped to the grid and echoed in Google's form."""
    if rng.starts_outside(sheet.rows, sheet.cols):
        raise grid_limits_error(rng, sheet)
    r1, c1, r2, c2 = rng.clipped(sheet.rows, sheet.cols)
    result: dict[str, Any] = {"range": format_range(sheet.title, r1, c1, r2, c2), "majorDimension": major}
    values = read_box(ss, sheet, r1, c1, r2, c2, render, dt_render, major, ev)
    if values:
        result["values"] = values
    return result


def as_rows(values: Any, major: str, field: str = "data.values") -> list[list[Any]]:
    """The rows of a ValueRange's ``values`` (a list of lists; ``field`` names it in Google's error)."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid_value(field, "google.protobuf.ListValue", values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise invalid_value(f"{field}[{i}]", "google.protobuf.ListValue", row)
    if major == "COLUMNS":
        height = max((len(col) for col in values), default=0)
        return [[col[i] if i < len(col) else None for col in values] for i in range(height)]
    return values


def write_range(ss: Spreadsheet, sheet: Sheet, rng: A1Range, values: Any, major: str, input_option: str,
                grow: bool = False, dry_run: bool = False, field: str = "data.values") -> dict:
    """Write values from the range's top-left cell. A multi-cell range bounds the write; data may not go
    past the grid unless ``grow`` (append, and the emulator's own helpers) is set. Everything is checked
    before anything changes; ``dry_run`` stops after the checks."""
    rows = as_rows(values, major, field)
    if rng.starts_outside(sheet.rows, sheet.cols) and not grow:
        raise grid_limits_error(rng, sheet)
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    r0, c0 = rng.r1, rng.c1
    if height and width:
        if not rng.single_cell:
            bound_r = rng.r2 if rng.r2 is not None else sheet.rows
            bound_c = rng.c2 if rng.c2 is not None else sheet.cols
            if rng.whole_sheet and grow:
                bound_r = bound_c = 10**9
            _check_bounds(rng, r0, c0, height, width, bound_r, bound_c)
        if not grow:
            _check_bounds(rng, r0, c0, height, width, sheet.rows, sheet.cols)
    parsed: list[tuple[int, int, Cell | None]] = []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            try:
                option = input_option
                if option == "USER_ENTERED" and sheet.formats and isinstance(value, str):
                    explicit = (sheet.formats.get(r0 + i, c0 + j) or {}).get("numberFormat") or {}
                    if explicit.get("type") == "TEXT":
                        option = "RAW"  # a plain-text cell keeps what was typed ("0812345678", "=x")
                cell = cell_from_input(value, option)
            except ValueError:
                raise bad_request(f"Invalid values[{i}][{j}]: {value!r}") from None
            if cell is SKIP:
                continue
            parsed.append((r0 + i, c0 + j, cell))  # type: ignore[arg-type]
    if dry_run:
        return {}
    if grow and height and width:
        sheet.grow_to(r0 + height - 1, c0 + width - 1)
    for r, c, cell in parsed:
        if cell is None:
            sheet.cells.pop((r, c), None)
        else:
            sheet.cells[(r, c)] = cell
    result: dict[str, Any] = {"spreadsheetId": ss.id}
    if not parsed:
        r1, c1, r2, c2 = rng.clipped(sheet.rows, sheet.cols)
        result["updatedRange"] = format_range(sheet.title, r1, c1, r2 if not rng.single_cell else r1,
                                              c2 if not rng.single_cell else c1)
        return result
    result["updatedRange"] = format_range(sheet.title, r0, c0, r0 + height - 1, c0 + width - 1)
    result["updatedRows"] = len({r for r, _, _ in parsed})
    result["updatedColumns"] = len({c for _, c, _ in parsed})
    result["updatedCells"] = len(parsed)
    return result


def _check_bounds(rng: A1Range, r0: int, c0: int, height: int, width: int, max_r: int, max_c: int) -> None:
    if r0 + height - 1 > max_r:
        raise bad_request(f"Requested writing within range [{rng.text}], but tried writing to row "
                          f"[{max_r + 1}]")
    if c0 + width - 1 > max_c:
        raise bad_request(f"Requested writing within range [{rng.text}], but tried writing to column "
                          f"[{col_letters(max_c + 1)}]")


def clear_range(ss: Spreadsheet, sheet: Sheet, rng: A1Range) -> str:
    if rng.starts_outside(sheet.rows, sheet.cols):
        raise grid_limits_error(rng, sheet)
    r1, c1, r2, c2 = rng.clipped(sheet.rows, sheet.cols)
    sheet.clear_box(r1, c1, r2, c2)
    return format_range(sheet.title, r1, c1, r2, c2)


def append_range(ss: Spreadsheet, sheet: Sheet, rng: A1Range, values: Any, major: str, input_option: str,
                 insert_rows: bool, check: Callable[[tuple[int, int, int, int]], None] | None = None) -> dict:
    """values.append: find the table and write after its last row, growing (OVERWRITE) or inserting
    rows (INSERT_ROWS) as needed.

    The table starts at the first row with data among the range's own rows (a single-cell range is just
    its row; a whole sheet or open range reaches the end of the grid) within the range's columns, and
    runs down, past the range, until an empty row. Data is written from the table's first column, or at
    the range's top-left cell when the range holds no data (which is how gspread's insert_rows fills
    the row it has just inserted)."""
    if rng.starts_outside(sheet.rows, sheet.cols):
        raise grid_limits_error(rng, sheet)
    rows = as_rows(values, major)
    c_lo = rng.c1
    c_hi = sheet.cols if (rng.single_cell or rng.c2 is None) else min(rng.c2, sheet.cols)
    r_hi = rng.r1 if rng.single_cell else (sheet.rows if rng.r2 is None else min(rng.r2, sheet.rows))
    data_rows: dict[int, list[int]] = {}
    for (r, c) in cells_in_box(sheet, rng.r1, c_lo, sheet.rows, c_hi):
        data_rows.setdefault(r, []).append(c)
    table = None
    starts = [r for r in data_rows if r <= r_hi]
    if starts:
        start = end = min(starts)
        while end + 1 in data_rows:
            end += 1
        cols = [c for r in range(start, end + 1) for c in data_rows[r]]
        table = (start, min(cols), end, max(cols))
    result: dict[str, Any] = {"spreadsheetId": ss.id}
    if table:
        result["tableRange"] = format_range(sheet.title, *table)
        target_row, target_col = table[2] + 1, table[1]
    else:
        target_row, target_col = rng.r1, rng.c1
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    anchor = A1Range(text=rng.text, title=sheet.title, r1=target_row, c1=target_col, r2=target_row,
                     c2=target_col, single_cell=True)
    write_range(ss, sheet, anchor, rows, "ROWS", input_option, grow=True, dry_run=True)
    if check and height and width:
        check((target_row, target_col, target_row + height - 1, target_col + width - 1))
    if insert_rows and height:
        if target_row <= sheet.rows:
            sheet.shift("ROWS", target_row, height)
        else:
            sheet.grow_to(target_row + height - 1, sheet.cols)
    updates = write_range(ss, sheet, anchor, rows, "ROWS", input_option, grow=True)
    result["updates"] = updates
    return result


# --------------------------------------------------------------------------------------------------
# Grid data for spreadsheets.get?includeGridData=true
# --------------------------------------------------------------------------------------------------


def cell_data(sheet: Sheet, ss: Spreadsheet, ev: Evaluator, r: int, c: int) -> dict:
    out: dict[str, Any] = {}
    cell = sheet.cells.get((r, c))
    if cell is not None:
        out["userEnteredValue"] = cell.user_entered_value()
        value = effective_value(cell, ev, sheet.title, r, c)
        if isinstance(value, ErrorValue) or value is not None:
            out["effectiveValue"] = typed_value(value)
        formatted = render_cell(cell, ev, sheet.title, r, c, "FORMATTED_VALUE", "FORMATTED_STRING",
                                number_format(sheet, cell, r, c))
        out["formattedValue"] = formatted
    fmt = dict(sheet.formats.get(r, c) or {})
    if cell is not None and cell.fmt and "numberFormat" not in fmt:
        fmt["numberFormat"] = dict(cell.fmt)
    if fmt:
        out["userEnteredFormat"] = fmt
    rule = sheet.validations.get(r, c)
    if rule is not None:
        out["dataValidation"] = rule
    note = sheet.notes.get(r, c)
    if note is not None:
        out["note"] = note
    return out


def grid_data(ss: Spreadsheet, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, ev: Evaluator) -> dict:
    keys = set(cells_in_box(sheet, r1, c1, r2, c2))
    for attribute in sheet.attributes():
        keys.update(attribute.cells(r1, c1, r2, c2))
    data: dict[str, Any] = {}
    if r1 > 1:
        data["startRow"] = r1 - 1
    if c1 > 1:
        data["startColumn"] = c1 - 1
    if keys:
        last_col_by_row: dict[int, int] = {}
        for r, c in keys:
            last_col_by_row[r] = max(c, last_col_by_row.get(r, 0))
        row_data = []
        for r in range(r1, max(last_col_by_row) + 1):
            if r not in last_col_by_row:
                row_data.append({})
                continue
            row_data.append({"values": [cell_data(sheet, ss, ev, r, c)
                                        for c in range(c1, last_col_by_row[r] + 1)]})
        data["rowData"] = row_data
    data["rowMetadata"] = [{"pixelSize": 21, **(sheet.row_props.get(r, 1) or {})} for r in range(r1, r2 + 1)]
    data["columnMetadata"] = [{"pixelSize": 100, **(sheet.col_props.get(c, 1) or {})} for c in range(c1, c2 + 1)]
    return data


def trim_row_data(data: dict) -> None:
    """After a field mask: drop the empty cells at the end of each row, then the empty rows at the end,
    then an empty ``rowData`` (``fields=sheets.data.rowData.values.note`` on a sheet without notes
    answers ``"data": [{}]``, as recorded from Google)."""
    rows = data.get("rowData")
    if rows is None:
        return
    for row in rows:
        values = row.get("values")
        if values is None:
            continue
        while values and not values[-1]:
            values.pop()
        if not values:
            del row["values"]
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        del data["rowData"]
