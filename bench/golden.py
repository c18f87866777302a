"""Results must not change: `check --format json` before and after a change, byte for byte.

    python bench/golden.py make DIR                      # corpora: workbooks + configs (once)
    python bench/golden.py capture DIR [--code CHECKOUT] # expected outputs, from a checkout
    python bench/golden.py compare DIR [--code CHECKOUT] # the same again; differences are printed
    python bench/golden.py cached DIR                    # sync reports through the parsed-tables cache

Three corpora, each checked on several days: the 17 demo workbooks; 878 districts made from them
as bench/local_scale.py makes them; and `--random N` (default 300) workbooks whose cells, headers,
tab names and rows are mutated at random (seeded) from the demo: every value type calamine gives,
text with invisible characters, decomposed sara am, odd spaces, Thai digits, dates in many forms.
`capture` runs `CHECKOUT/cli.py` (default: this checkout) with this interpreter, so expected
outputs can come from another commit (e.g. `git archive main | tar -x -C /tmp/main`). Exits 1 when
an output differs, and prints the first differing lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import yaml
from python_calamine import CalamineWorkbook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.make_demo import build_demo  # noqa: E402

AS_OF = {
    "demo": ["2024-11-15", "2025-01-21", "2025-02-17", "2025-10-01"],
    "province": ["2025-01-21"],
    "random": ["2025-01-21", "2025-06-30"],
}
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
SPACES = [" ", "  ", "\u00a0", "\t", "\n", "\u3000", "\u2003"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _config(folder: Path, workbooks: Path, codes: list[str]) -> Path:
    includes = [str(REPO / "config" / n) for n in ("province.yaml", "programme.yaml", "schedule.yaml")]
    data = {
        "include": includes,
        "districts": [{"code": c, "name": f"อำเภอทดสอบ{c}", "emails": [f"cd{c}@example.go.th"]} for c in codes],
        "backend": {"kind": "xlsx", "workbooks": str(workbooks)},
        "outputs": {k: str(folder / "out" / k) for k in ("summary", "outbox", "state")},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _read(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


class Mutator:
    """Seeded mutations of a demo workbook's tabs."""

    def __init__(self, seed: int, pool: list[str]):
        self.rng = random.Random(seed)
        self.pool = pool

    def text(self, base: str) -> str:
        rng = self.rng
        text = base
        for _ in range(rng.randint(1, 3)):
            kind = rng.randrange(9)
            at = rng.randint(0, len(text))
            if kind == 0:
                text = text[:at] + rng.choice(INVISIBLE) + text[at:]
            elif kind == 1:
                text = text.replace("ำ", rng.choice(["\u0e4d\u0e32", "ำ"]))
                text = text.replace("่ำ", "\u0e4d\u0e48\u0e32") if rng.random() < 0.5 else text
            elif kind == 2:
                text = rng.choice(SPACES) + text + rng.choice(SPACES)
            elif kind == 3:
                text = text[:at] + rng.choice(SPACES) + text[at:]
            elif kind == 4:
                text = text.translate(THAI_DIGITS)
            elif kind == 5:
                text = unicodedata.normalize(rng.choice(["NFD", "NFKD", "NFC"]), text)
            elif kind == 6:
                text = text[: rng.randint(0, len(text))]
            elif kind == 7:
                text = text + rng.choice(["(หมายเหตุ)", ".", " ฯ", "!", " P3", "ภาค", "ข้อ "])
            else:
                text = text.upper() if rng.random() < 0.5 else text.swapcase()
        return text

    def value(self):
        rng = self.rng
        kind = rng.randrange(14)
        if kind <= 3:
            return self.text(rng.choice(self.pool))
        if kind == 4:
            return rng.choice([0, 1, 2, 3, 4, 5, 6, -1, 12, 2567, 45646, 45646.75, 1e9, 0.5, 10**15])
        if kind == 5:
            year = rng.choice([2024, 2025, 2567, 2568, 1999, 2030, 2600])
            return dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.choice([0, 0, 13]), 0)
        if kind == 6:
            day, month, year = rng.randint(1, 33), rng.randint(1, 13), rng.choice([67, 68, 2567, 2568, 2024, 24, 99])
            form = rng.choice(["{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}", "{d} ธ.ค. {y}", "{m}/{y}", "{d}-{m}-{y}",
                               "{d} มกราคม {y}", "วันที่ {d} ม.ค. พ.ศ. {y}", "Dec {y}", "{d} Jan {y}", "{y}"])
            return form.format(d=day, m=month, y=year)
        if kind == 7:
            return rng.choice([True, False])
        if kind == 8:
            return rng.choice(["", " ", "\u200b", "\u00a0\u200b ", "\n"])
        if kind == 9:
            return str(rng.randint(0, 10 ** rng.randint(1, 30)))
        if kind == 10:
            return rng.choice(["1,000 บาท", "๑๒,๕๐๐", "ข้อ ๓", "ข.4", "5.", "-", "N/A", "=SUM(A1)", "ข้อ 1.2"])
        if kind == 11:
            return rng.choice(["รวม", "ยอดรวม ทั้งสิ้น", "รวมทั้งหมด"])
        if kind == 12:
            return "".join(rng.choice("กขคงจ ําาำ่้๊๋ ัิีึืุู\u200b .-/0๑") for _ in range(rng.randint(1, 40)))
        return self.text(rng.choice(self.pool)) * rng.randint(2, 20)

    def workbook(self, tabs: dict[str, list[list]]) -> dict[str, list[list]]:
        rng = self.rng
        out: dict[str, list[list]] = {}
        for title, rows in tabs.items():
            if rng.random() < 0.04:
                continue  # a missing tab
            if rng.random() < 0.08:
                title = self.text(title)[:31] or title
            rows = [list(r) for r in rows]
            if rows and rng.random() < 0.3:
                header = rows[0]
                j = rng.randrange(len(header)) if header else 0
                if header:
                    header[j] = self.text(str(header[j])) if rng.random() < 0.8 else rng.choice(self.pool)
            for r in rows[1:]:
                for j in range(len(r)):
                    if rng.random() < 0.25:
                        r[j] = self.value()
            for _ in range(rng.randint(0, 3)):
                if len(rows) > 1:
                    at = rng.randint(1, len(rows))
                    choice = rng.random()
                    if choice < 0.4:
                        rows.insert(at, list(rows[rng.randrange(1, len(rows))]))
                    elif choice < 0.7:
                        rows.insert(at, [""] * len(rows[0]))
                    else:
                        rows.insert(at, [self.value() for _ in rows[0]])
            if title not in out:
                out[title] = rows
        return out


def _write(path: Path, tabs: dict[str, list[list]]) -> None:
    book = openpyxl.Workbook(write_only=True)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    book.save(path)


def make(folder: Path, random_count: int, seed: int) -> None:
    demo = build_demo(folder / "demo" / "workbooks")
    codes = [p.name[:4] for p in demo]
    _config(folder / "demo", folder / "demo" / "workbooks", codes)
    from bench.local_scale import make_province

    make_province(folder / "province", demo, 878)
    workbooks = folder / "random" / "workbooks"
    workbooks.mkdir(parents=True)
    sources = [_read(p) for p in demo]
    pool = sorted({str(v) for tabs in sources for rows in tabs.values() for r in rows for v in r if v != ""})
    mutator = Mutator(seed, pool)
    codes = []
    for i in range(random_count):
        code = f"{2000 + i}"
        _write(workbooks / f"{code}.xlsx", mutator.workbook(sources[i % len(sources)]))
        codes.append(code)
    _config(folder / "random", workbooks, codes)
    print(f"golden: corpora in {folder} (17 demo, 878 province, {random_count} random, seed {seed})")


def _run(code: Path, config: Path, as_of: str) -> bytes:
    command = [sys.executable, str(code / "cli.py"), "check", "--config", str(config), "--format", "json"]
    done = subprocess.run([*command, "--as-of", as_of], cwd=code, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} --as-of {as_of}: exit {done.returncode}\n{done.stderr.decode()}")
    return done.stdout


def cases(folder: Path):
    for corpus, days in AS_OF.items():
        for as_of in days:
            yield f"{corpus}-{as_of}", folder / corpus / "config.yaml", as_of


def capture(folder: Path, code: Path) -> None:
    expected = folder / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    expected.mkdir()
    for name, config, as_of in cases(folder):
        (expected / f"{name}.json").write_bytes(_run(code, config, as_of))
    print(f"golden: captured {len(list(expected.iterdir()))} outputs from {code}")


def compare(folder: Path, code: Path) -> int:
    failed = 0
    for name, config, as_of in cases(folder):
        want = (folder / "expected" / f"{name}.json").read_bytes()
        got = _run(code, config, as_of)
        if got == want:
            print(f"same       {name} ({len(got):,} bytes)")
            continue
        failed += 1
        print(f"DIFFERENT  {name}")
        diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(), "expected", "now", n=2)
        for line in list(diff)[:40]:
            print("    " + line)
    print(f"golden: {failed} of {len(list(cases(folder)))} outputs differ")
    return 1 if failed else 0


def cached(folder: Path) -> int:
    """Sync a copy of each corpus twice (the second from the parsed-tables cache) and compare its
    report with the expected `check` output: the cache must not change a result either."""
    import json
    import tempfile

    from sync.config import load_config
    from sync.dates import parse_as_of
    from sync.pipeline import run_sync, select_districts

    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in AS_OF:
            copy = Path(tmp) / corpus
            shutil.copytree(folder / corpus / "workbooks", copy / "workbooks")
            data = yaml.safe_load((folder / corpus / "config.yaml").read_text(encoding="utf-8"))
            data["backend"]["workbooks"] = str(copy / "workbooks")
            data["outputs"] = {k: str(copy / "out" / k) for k in ("summary", "outbox", "state")}
            (copy / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            config = load_config(copy / "config.yaml")
            for as_of in AS_OF[corpus]:
                want = (folder / "expected" / f"{corpus}-{as_of}.json").read_bytes()
                for run in ("read", "cached"):
                    outcome = run_sync(config, parse_as_of(as_of), select_districts(config), email=False)
                    got = (json.dumps(outcome.report.as_json(), ensure_ascii=False, indent=2) + "\n").encode()
                    failed += got != want
                    print(f"{'same' if got == want else 'DIFFERENT':<10} {corpus}-{as_of} (sync, {run})")
    print(f"golden: {failed} cached sync reports differ")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["make", "capture", "compare", "cached"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose cli.py runs (default: this one)")
    parser.add_argument("--random", type=int, default=300, help="number of random workbooks (make)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the random workbooks (make)")
    args = parser.parse_args()
    if args.action == "make":
        make(args.folder, args.random, args.seed)
        return 0
    if args.action == "capture":
        capture(args.folder, args.code.resolve())
        return 0
    if args.action == "cached":
        return cached(args.folder)
    return compare(args.folder, args.code.resolve())


if __name__ == "__main__":
    sys.exit(main())
