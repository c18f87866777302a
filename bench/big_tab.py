"""One district whose tab has tens of thousands of rows of bad values: CPU time and peak memory.

    python bench/big_tab.py [--rows 50000] [--tab คณะทำงานขับเคลื่อน]... [--no-memos] [--json]

The district's workbook passes every check except one tab (the committee by default), which gets
`--rows` rows of values no column accepts: unknown sectors and roles, impossible dates, unknown
centres, ข้อ 9. Each step runs as its own process (as bench/local_scale.py measures them): `check
--format json`, a `sync` without memos, and a `sync` with the memos of 2025-01-21 (the district's
reminder, PDF attached). Issue 11: such a tab took 262 s and 3.9 GB; a check must stay linear in
the rows and bounded in memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import openpyxl
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.local_scale import AS_OF, measure  # noqa: E402
from sync.schema import TABS, Kind  # noqa: E402
from tests.conftest import compliant_tabs  # noqa: E402

BAD = {
    Kind.DATE: "32/13/2567",
    Kind.MONTH: "เดือนที่ 13",
    Kind.DOC_ITEM: "ข้อ 9",
    Kind.NUMBER: "หนึ่งพันบาท",
}


def bad_row(tab: str, i: int) -> list[str]:
    """A row of `tab` in which no cell can be read: every text is a new one (no memo helps)."""
    return [BAD.get(c.kind, f"ค่าที่ไม่รู้จัก {i}") for c in TABS[tab].columns]


def make_district(folder: Path, tabs: list[str], rows: int) -> Path:
    workbook = compliant_tabs()
    for tab in tabs:
        workbook[tab] = [[c.header for c in TABS[tab].columns]] + [bad_row(tab, i) for i in range(rows)]
    (folder / "workbooks").mkdir(parents=True)
    book = openpyxl.Workbook(write_only=True)
    for title, values in workbook.items():
        sheet = book.create_sheet(title)
        for row in values:
            sheet.append(row)
    book.save(folder / "workbooks" / "5702.xlsx")
    includes = [str(REPO / "config" / n) for n in ("province.yaml", "programme.yaml", "schedule.yaml")]
    config = {
        "include": includes,
        "districts": [{"code": "5702", "name": "เวียงชัย", "emails": ["cd5702@example.go.th"]}],
        "backend": {"kind": "xlsx", "workbooks": str(folder / "workbooks")},
        "outputs": {k: str(folder / "out" / k) for k in ("summary", "outbox", "state")},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--tab", action="append", choices=list(TABS), help="tab(s) of bad rows (default: committee)")
    parser.add_argument("--no-memos", dest="memos", action="store_false", help="skip the sync with memos")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    args = parser.parse_args()
    tabs = args.tab or ["คณะทำงานขับเคลื่อน"]
    cli = [sys.executable, str(REPO / "cli.py")]
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = make_district(Path(tmp), tabs, args.rows)
        options = ["--config", str(config), "--as-of", AS_OF.isoformat()]
        steps = [("check", ["check", *options, "--format", "json"]), ("sync", ["sync", *options, "--no-email"])]
        if args.memos:
            steps.append(("sync (memos)", ["sync", *options]))
        for name, command in steps:
            run, stdout = measure([*cli, *command], REPO)
            figures[name] = {"cpu_s": round(run.cpu_s, 2), "peak_rss_mib": round(run.peak_rss_mib), "exit": run.exit}
            if name == "check":
                findings = json.loads(stdout)["districts"][0]["findings"]
                figures[name] |= {"findings": len(findings), "json_mb": round(len(stdout.encode()) / 1e6, 1)}
        outbox = list((Path(tmp) / "out" / "outbox").rglob("*.eml"))
        if args.memos and outbox:
            figures["sync (memos)"]["eml_kb"] = round(sum(p.stat().st_size for p in outbox) / 1024)
    if args.json:
        print(json.dumps({"rows": args.rows, "tabs": tabs, "steps": figures}, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.rows:,} rows of bad values in {', '.join(tabs)}")
    print(f"{'step':<14} {'CPU s':>7} {'peak MiB':>9}  other")
    for name, f in figures.items():
        other = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("cpu_s", "peak_rss_mib"))
        print(f"{name:<14} {f['cpu_s']:>7.2f} {f['peak_rss_mib']:>9}  {other}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
