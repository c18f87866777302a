"""Sheets API requests of a sync: our Google backend against the naive gspread way, on the local
Sheets/Drive-compatible server (tests/sheets_server, run in this process).

    python bench/api_calls.py [--sizes 17,878] [--naive-sample 34]

For each size N: N district spreadsheets are made with `sync.provision` (what `cli.py init
--backend google --from-xlsx` does) from the demo workbooks of demo/make_demo.py (the 17 demo
districts; for more, the 17 replicated under new codes and names), then

* ours: two syncs (`run_sync` with the Google backend: one Drive listing, one values:batchGet and
  one values:batchUpdate per changed spreadsheet, nothing for an unchanged one);
* naive: the same check done the usual gspread way on a fresh copy of the same spreadsheets (no
  status tab yet): `open_by_key`, `worksheet()` and `get_all_values()` for each tab, `add_worksheet`
  for the status tab, `update_cell` for each status cell; twice. At more than --naive-sample
  districts the naive runs are measured on a sample covering every demo scenario equally and
  extrapolated (a full run would take many minutes against the local server alone).

Requests are counted by the server (`/_emulator/stats`). 17 districts run at Google's default
quota on both sides (60 requests per minute per user: the server answers 429 beyond it, our client
paces itself to it); bigger sizes raise both limits to stay short, and the "@60/min" columns give
the time the same requests take at 60 a minute. The naive way at the default quota is probed
separately: it meets its first 429 within seconds.

Exit status 1 when a target is missed: first sync at most 2 Sheets requests per district plus a
constant (plus 2 for each spreadsheet lacking a contract tab, whose blind read answers 400 and is
retried after reading the titles); unchanged second sync: 0 reads and 0 writes per district; no
429 at the default rate limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import gspread  # noqa: E402
from gspread.exceptions import APIError  # noqa: E402
from gspread.utils import ValueRenderOption  # noqa: E402

from demo.make_demo import DISTRICTS, build_demo  # noqa: E402
from sync import clock  # noqa: E402
from sync.backends.google import STATUS_SHEET_ID, GoogleBackend  # noqa: E402
from sync.checker import Checker  # noqa: E402
from sync.config import Config, District, load_config  # noqa: E402
from sync.model import RawWorkbook  # noqa: E402
from sync.normalise import find_tab  # noqa: E402
from sync.outputs.status_tab import build_status_sheet  # noqa: E402
from sync.pipeline import run_sync  # noqa: E402
from sync.provision import Provisioner, Workbook, read_workbook  # noqa: E402
from sync.schema import STATUS, TABS  # noqa: E402
from sync.texts import moment  # noqa: E402
from tests.sheets_server import SheetsServer  # noqa: E402
from tests.sheets_server.clients import gspread_client, service_account_credentials  # noqa: E402

AS_OF = dt.date(2025, 1, 21)
GOOGLE_QUOTA = 60  # Sheets requests per minute per user (reads and writes each)
RAISED = 1_000_000
SUMMARY = "สรุปจังหวัด (bench)"


def is_sheets(kind: str) -> bool:
    return not kind.startswith(("drive.", "oauth."))


class Window:
    """What the server answered between two points (from its statistics)."""

    def __init__(self, server: SheetsServer):
        self.server = server
        self.before = server.stats()
        self.started = time.perf_counter()

    def close(self, summary_id: str | None = None) -> dict:
        seconds = time.perf_counter() - self.started
        after = self.server.stats()
        kinds = Counter(after["by_kind"]) - Counter(self.before["by_kind"])
        sheets = sum(n for k, n in kinds.items() if is_sheets(k))
        # Nothing but Sheets requests name the summary spreadsheet during a sync.
        on_summary = after["by_spreadsheet"].get(summary_id, 0) - self.before["by_spreadsheet"].get(summary_id, 0)
        return {
            "seconds": seconds,
            "sheets": sheets,
            "district_sheets": sheets - on_summary,
            "summary_sheets": on_summary,
            "reads": after["reads"] - self.before["reads"],
            "writes": after["writes"] - self.before["writes"],
            "drive": sum(n for k, n in kinds.items() if k.startswith("drive.")),
            "throttled": after["throttled"] - self.before["throttled"],
        }


def demo_workbooks(folder: Path) -> list[Workbook]:
    """The 17 demo workbooks, in district order."""
    return [read_workbook(path) for path in build_demo(folder)]


def district_rows(n: int) -> list[dict]:
    """The 17 Chiang Rai districts, or n districts made from them (codes PPDD, names numbered)."""
    base = list(DISTRICTS.items())
    if n == len(base):
        return [{"code": c, "name": name, "emails": [f"cd{c}@example.go.th"]} for c, name in base]
    rows = []
    for i in range(n):
        code = f"{10 + i // 50:02d}{i % 50 + 1:02d}"
        rows.append(
            {
                "code": code,
                "name": f"{base[i % len(base)][1]} {i // len(base) + 1}",
                "emails": [f"cd{code}@example.go.th"],
            }
        )
    return rows


def make_config(folder: Path, server: SheetsServer, n: int, rate_limit: int) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    server.write_credentials(folder / "sa.json")
    config_dir = REPO / "config"
    data = {
        "include": [str(config_dir / f) for f in ("province.yaml", "programme.yaml", "schedule.yaml")],
        "districts": district_rows(n),
        "backend": {
            "kind": "google",
            "google": {
                "credentials": str(folder / "sa.json"),
                "endpoint": server.url,
                "summary_spreadsheet": SUMMARY,
                "rate_limit_per_minute": rate_limit,
                "drive_rate_limit_per_minute": RAISED,
            },
        },
        "outputs": {
            "summary": str(folder / "summary.xlsx"),
            "outbox": str(folder / "outbox"),
            "state": str(folder / "state"),
        },
    }
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def raised(config: Config) -> Config:
    """The configuration with the client's rate limit raised (for the set-up, which is not measured)."""
    google = config.backend.google.model_copy(
        update={"rate_limit_per_minute": RAISED, "drive_rate_limit_per_minute": RAISED}
    )
    return config.model_copy(update={"backend": config.backend.model_copy(update={"google": google})})


def lacks_a_contract_tab(workbook: Workbook) -> bool:
    return any(find_tab(workbook.tabs, tab) is None for tab in TABS)


# --- the naive way ---------------------------------------------------------------------------------------
def naive_sync(gc: gspread.Client, targets: list[tuple[District, str]], config: Config) -> None:
    """Read every tab with open_by_key / worksheet() / get_all_values(), write the status tab with
    one update_cell per cell (the same checks and status content as ours)."""
    checker = Checker(config, AS_OF)
    checked_at = moment(clock.now())
    for district, spreadsheet_id in targets:
        spreadsheet = gc.open_by_key(spreadsheet_id)
        tabs, sheets = {}, {}
        for title in [*TABS, STATUS]:
            try:
                sheets[title] = spreadsheet.worksheet(title)
            except gspread.WorksheetNotFound:
                continue
            tabs[title] = sheets[title].get_all_values(value_render_option=ValueRenderOption.unformatted)
        result = checker.check(district, RawWorkbook(spreadsheet_id, tabs))
        status = build_status_sheet(result, AS_OF, checked_at, config)
        worksheet = sheets.get(STATUS) or spreadsheet.add_worksheet(STATUS, rows=len(status.rows) + 50, cols=8)
        for r, row in enumerate(status.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value not in (None, ""):
                    worksheet.update_cell(r, c, value)


def naive_copies(config: Config, districts: list[District], uploads: dict[str, Workbook]) -> dict[str, str]:
    """The same spreadsheets again, titled "... (naive)", without a status tab: code -> id."""
    copies = [d.model_copy(update={"spreadsheet": f"{d.code} {d.name} (naive)"}) for d in districts]
    provisioner = Provisioner(raised(config).model_copy(update={"districts": copies}))
    report = provisioner.run(copies, uploads, summary=False)
    ids = {d.code: o.spreadsheet_id for d, o in zip(copies, report.outcomes, strict=True)}
    for spreadsheet_id in ids.values():
        provisioner.http.batch_update(spreadsheet_id, {"requests": [{"deleteSheet": {"sheetId": STATUS_SHEET_ID}}]})
    return ids


def naive_probe(server: SheetsServer, gc: gspread.Client, targets, config: Config) -> str:
    """The naive first sync at Google's quota: where the first 429 comes."""
    server.set_quota(GOOGLE_QUOTA)
    window = Window(server)
    try:
        naive_sync(gc, targets, config)
        outcome = "no 429"
    except APIError as exc:
        if exc.code != 429:
            raise
        done = window.close()
        outcome = f"first 429 after {done['sheets']} Sheets requests, {done['seconds']:.1f} s in"
    server.set_quota(None)
    return outcome


# --- one size -------------------------------------------------------------------------------------------
def sample(districts: list[District], k: int) -> list[District]:
    """k districts spread evenly over the 17 demo scenarios (district i replicates scenario i % 17)."""
    if k >= len(districts):
        return list(districts)
    per = len(DISTRICTS)
    picked = [districts[i] for i in range(len(districts)) if i // per < (k + per - 1) // per]
    return picked[:k]


def run_size(n: int, workbooks: list[Workbook], folder: Path, naive_sample: int) -> dict:
    default_limits = n <= len(DISTRICTS)
    quota = GOOGLE_QUOTA if default_limits else RAISED
    result: dict = {"n": n, "default_limits": default_limits}
    with SheetsServer(quota_per_minute=quota) as server:
        config = make_config(folder / f"n{n}", server, n, GOOGLE_QUOTA if default_limits else RAISED)
        districts = list(config.districts)
        uploads = {d.code: workbooks[i % len(workbooks)] for i, d in enumerate(districts)}
        result["lacking"] = sum(1 for d in districts if lacks_a_contract_tab(uploads[d.code]))

        server.set_quota(None)  # provisioning is not what is measured
        window = Window(server)
        report = Provisioner(raised(config)).run(districts, uploads)
        result["provision"] = window.close()
        if report.failed:
            raise SystemExit(f"provisioning failed: {report.failed[0].lines(False)}")
        summary_id = report.outcomes[-1].spreadsheet_id
        server.set_quota(quota)

        for run in ("ours1", "ours2"):
            backend = GoogleBackend(config)
            window = Window(server)
            outcome = run_sync(config, AS_OF, districts, email=False, backend=backend)
            result[run] = window.close(summary_id)
            # Sheets requests are what the 60-per-minute quota (and our limiter) paces; Drive has its own.
            result[run]["client"] = sum(n for k, n in backend.http.counts.items() if k.startswith("sheets."))
            result[run]["written"] = len(outcome.status_written)

        server.set_quota(None)
        picked = sample(districts, naive_sample)
        ids = naive_copies(config, picked, uploads)
        credentials = service_account_credentials(server, folder / f"n{n}" / "naive.json")
        gc = gspread_client(server, credentials)
        targets = [(d, ids[d.code]) for d in picked]
        for run in ("naive1", "naive2"):
            window = Window(server)
            naive_sync(gc, targets, config)
            result[run] = window.close()
            result[run]["client"] = result[run]["sheets"]
        result["naive_measured"] = len(picked)
        if default_limits:
            result["probe"] = naive_probe(server, gc, targets, config)
    return result


# --- the report -------------------------------------------------------------------------------------------
def at_quota(requests: float) -> str:
    """How long `requests` take at 60 a minute (one a second on average)."""
    seconds = int(round(requests * 60 / GOOGLE_QUOTA))
    if seconds < 120:
        return f"{seconds} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{seconds} s ({hours} h {minutes:02d} min)" if hours else f"{seconds} s ({minutes} min)"


def per_district(run: dict, n: int) -> str:
    return f"{run['district_sheets'] / n:.2f} (+{run['summary_sheets']})"


def report(results: list[dict]) -> int:
    head = (
        f"{'districts':>9}  {'approach':<28} {'1st sync':>10} {'2nd sync':>10} {'1st wall':>9} {'2nd wall':>9}"
        f"  {'1st @60/min':<22} {'2nd @60/min':<22} {'429s':>4}"
    )
    print("\nSheets requests per district (on the district spreadsheets; the provincial summary, a constant,")
    print("in brackets), wall seconds, and the time the same requests take at 60 per minute:\n")
    print(head)
    print("-" * len(head))
    missed = []
    for r in results:
        n = r["n"]
        limits = "default 60/min" if r["default_limits"] else "limits raised"
        first, second = r["ours1"], r["ours2"]
        print(
            f"{n:>9}  {'ours (' + limits + ')':<28}"
            f" {per_district(first, n):>10} {per_district(second, n):>10}"
            f" {first['seconds']:>9.1f} {second['seconds']:>9.1f}  {at_quota(first['client']):<22}"
            f" {at_quota(second['client']):<22} {first['throttled'] + second['throttled']:>4}"
        )
        k, scale = r["naive_measured"], n / r["naive_measured"]
        label = "naive gspread" + ("" if k == n else f" ({k} measured)")
        naive1, naive2 = r["naive1"], r["naive2"]
        print(
            f"{n:>9}  {label:<28} {naive1['sheets'] / k:>10.1f} {naive2['sheets'] / k:>10.1f}"
            f" {naive1['seconds'] * scale:>9.1f} {naive2['seconds'] * scale:>9.1f}"
            f"  {at_quota(naive1['sheets'] * scale):<22} {at_quota(naive2['sheets'] * scale):<22} {'-':>4}"
        )
        allowed = 2 * n + 2 * r["lacking"]
        if first["district_sheets"] > allowed or first["summary_sheets"] > 5:
            missed.append(
                f"{n}: first sync took {first['district_sheets']} + {first['summary_sheets']} Sheets requests"
            )
        if second["district_sheets"] != 0:
            missed.append(f"{n}: the unchanged second sync sent {second['district_sheets']} district requests")
        if first["throttled"] or second["throttled"]:
            missed.append(f"{n}: {first['throttled'] + second['throttled']} answers were 429")
    print()
    for r in results:
        n, first = r["n"], r["ours1"]
        print(
            f"{n} districts, ours: first sync {first['district_sheets']} Sheets requests ({first['reads']} reads and"
            f" {first['writes']} writes in all) = 2 x {n} + 2 x {r['lacking']} spreadsheets lacking a contract tab"
            f" (their blind batchGet answers 400, so the titles are read first); + {first['summary_sheets']} for"
            f" the provincial summary; {first['drive']} Drive requests; status tabs written {first['written']};"
            f" second sync: {r['ours2']['reads']} reads, {r['ours2']['writes']} writes (the summary only)."
        )
        provision = r["provision"]
        print(
            f"{n} districts, provisioning (init --from-xlsx): {provision['sheets']} Sheets requests"
            f" ({provision['sheets'] / (n + 1):.2f} per spreadsheet), {provision['drive']} Drive,"
            f" {provision['seconds']:.1f} s"
        )
        if "probe" in r:
            print(f"{n} districts, naive at Google's quota (60/min): {r['probe']}")
    print(
        "\n@60/min: Sheets requests / 60 per minute (Drive requests have their own, larger quota and"
        " limiter). Naive rows measured on a sample are scaled to all districts."
    )
    if missed:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(missed))
        return 1
    print(
        "\nTargets met: first sync <= 2 Sheets requests per district + a constant (+2 per spreadsheet lacking a tab),"
        " unchanged second sync 0 reads and 0 writes per district, no 429."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    parser.add_argument("--naive-sample", type=int, default=34, help="districts the naive way is measured on")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="khoknongna-bench-") as tmp:
        workbooks = demo_workbooks(Path(tmp) / "workbooks")
        for n in sizes:
            print(f"{n} districts ...", flush=True)
            results.append(run_size(n, workbooks, Path(tmp), max(args.naive_sample, len(DISTRICTS))))
    code = report(results)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")
    return code


if __name__ == "__main__":
    sys.exit(main())
