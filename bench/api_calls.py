"""Sheets API requests of a sync: our Google backend against the naive gspread way, on the local
Sheets/Drive-compatible server (tests/sheets_server, run in this process).

    python bench/api_calls.py [--sizes 17,878] [--naive-sample 34]

For each size N: N district spreadsheets are made with `sync.provision` (what `cli.py init
--backend google --from-xlsx` does) from the demo workbooks of demo/make_demo.py (the 17 demo
districts; for more, the 17 replicated under new codes and names), then

* ours: two syncs (`run_sync` with the Google backend: one Drive listing, one spreadsheets.get and
  one spreadsheets.batchUpdate per changed spreadsheet, nothing for an unchanged one, one Drive
  listing after writing);
* naive: the same check done the usual gspread way on a fresh copy of the same spreadsheets (no
  status tab yet): `open_by_key`, `worksheet()` and `get_all_values()` for each tab, `add_worksheet`
  for the status tab, `update_cell` for each status cell; twice. At more than --naive-sample
  districts the naive runs are measured on a sample covering every demo scenario equally and
  extrapolated (a full run would take many minutes against the local server alone).

Requests are counted by the server (`/_emulator/stats`). 17 districts run at Google's default
quotas on both sides (60 read and 60 write requests per minute per user, 300 of each per project:
the server answers 429 beyond them, our client paces itself to them); bigger sizes raise both
limits to stay short, and the "@60/min" columns give the time the same requests take at 60 reads
and 60 writes a minute. The naive way at the default quota is probed separately: it meets its
first 429 within seconds.

    python bench/api_calls.py --real-pace [--sizes 170]

runs only our two syncs at the default client limits against the server with its quotas on (the
server in a process of its own, as Google's work is not done on our CPU): the wall time is the
pacing itself, and the 878-district figure is extrapolated from the request counts and the
measured steady pace (said so in the output). `--json` prints one JSON object with every figure.

Exit status 1 when a target is missed: first sync at most 2 Sheets requests per district plus 2
for the summary, at most 3 Drive requests; unchanged second sync: 0 reads and 0 writes per
district; no 429; with --real-pace, 878 districts within 15.4 minutes (878 reads at 60 a minute
+ 5%).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import gspread  # noqa: E402
from gspread.exceptions import APIError  # noqa: E402
from gspread.utils import ValueRenderOption  # noqa: E402

from demo.make_demo import DISTRICTS, build_demo  # noqa: E402
from sync import clock  # noqa: E402
from sync.backends.google import DRIVE_FILES, STATUS_SHEET_ID, GoogleBackend  # noqa: E402
from sync.backends.google_http import WINDOW_SECONDS  # noqa: E402
from sync.checker import Checker  # noqa: E402
from sync.config import Config, District, load_config  # noqa: E402
from sync.model import RawWorkbook  # noqa: E402
from sync.normalise import find_tab  # noqa: E402
from sync.outputs.status_tab import build_status_sheet  # noqa: E402
from sync.pipeline import run_sync  # noqa: E402
from sync.provision import Provisioner, Workbook, read_workbook  # noqa: E402
from sync.schema import STATUS, TABS  # noqa: E402
from sync.texts import moment  # noqa: E402
from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SheetsServer  # noqa: E402
from tests.sheets_server.clients import gspread_client, service_account_credentials  # noqa: E402
from tests.sheets_server.controls import READ_KINDS  # noqa: E402

AS_OF = dt.date(2025, 1, 21)
GOOGLE_QUOTA = 60  # Sheets requests per minute per user (reads and writes each)
PROJECT_QUOTA = 300  # ... and per project
RAISED = 1_000_000
SUMMARY = "สรุปจังหวัด (bench)"


def is_sheets(kind: str) -> bool:
    return not kind.startswith(("drive.", "oauth."))


class Window:
    """What the server answered between two points (from its statistics)."""

    def __init__(self, server: SheetsServer | ServerProcess):
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
        log = (
            after["requests"][-(after["total"] - self.before["total"]) :]
            if after["total"] > self.before["total"]
            else []
        )
        summary_reads = sum(1 for e in log if summary_id and summary_id in e["path"] and e["kind"] in READ_KINDS)
        reads, writes = after["reads"] - self.before["reads"], after["writes"] - self.before["writes"]
        return {
            "seconds": seconds,
            "sheets": sheets,
            "district_sheets": sheets - on_summary,
            "summary_sheets": on_summary,
            "reads": reads,
            "writes": writes,
            "summary_reads": summary_reads,
            "summary_writes": on_summary - summary_reads,
            "district_reads": reads - summary_reads,
            "district_writes": writes - (on_summary - summary_reads),
            "drive": sum(n for k, n in kinds.items() if k.startswith("drive.")),
            "throttled": after["throttled"] - self.before["throttled"],
            "by_kind": dict(sorted(kinds.items())),
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


def make_config(folder: Path, server: SheetsServer | ServerProcess, n: int, rate_limit: int | None) -> Config:
    """A configuration for n districts on the local server; `rate_limit` None: the default limits."""
    folder.mkdir(parents=True, exist_ok=True)
    server.write_credentials(folder / "sa.json")
    config_dir = REPO / "config"
    google = {"credentials": str(folder / "sa.json"), "endpoint": server.url, "summary_spreadsheet": SUMMARY}
    if rate_limit is not None:
        google |= {"rate_limit_per_minute": rate_limit, "drive_rate_limit_per_minute": RAISED}
    data = {
        "include": [str(config_dir / f) for f in ("province.yaml", "programme.yaml", "schedule.yaml")],
        "districts": district_rows(n),
        "backend": {"kind": "google", "google": google},
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
    server.set_google_quotas(True)
    window = Window(server)
    try:
        naive_sync(gc, targets, config)
        outcome = "no 429"
    except APIError as exc:
        if exc.code != 429:
            raise
        done = window.close()
        outcome = f"first 429 after {done['sheets']} Sheets requests, {done['seconds']:.1f} s in"
    server.set_google_quotas(False)
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
    result: dict = {"n": n, "default_limits": default_limits}
    with SheetsServer() as server:
        config = make_config(folder / f"n{n}", server, n, GOOGLE_QUOTA if default_limits else RAISED)
        districts = list(config.districts)
        uploads = {d.code: workbooks[i % len(workbooks)] for i, d in enumerate(districts)}
        result["lacking"] = sum(1 for d in districts if lacks_a_contract_tab(uploads[d.code]))

        window = Window(server)  # provisioning is not what is measured: no quotas
        report = Provisioner(raised(config)).run(districts, uploads)
        result["provision"] = window.close()
        if report.failed:
            raise SystemExit(f"provisioning failed: {report.failed[0].lines(False)}")
        summary_id = report.outcomes[-1].spreadsheet_id
        server.set_google_quotas(default_limits)  # 60 reads and 60 writes a minute per user, 300 per project

        for run in ("ours1", "ours2"):
            backend = GoogleBackend(config)
            window = Window(server)
            outcome = run_sync(config, AS_OF, districts, email=False, backend=backend)
            result[run] = window.close(summary_id)
            # Reads and writes each have a 60-per-minute quota (and our pacer); Drive has its own.
            result[run]["client"] = max(result[run]["reads"], result[run]["writes"])
            result[run]["written"] = len(outcome.status_written)

        server.set_google_quotas(False)
        picked = sample(districts, naive_sample)
        ids = naive_copies(config, picked, uploads)
        credentials = service_account_credentials(server, folder / f"n{n}" / "naive.json")
        gc = gspread_client(server, credentials)
        targets = [(d, ids[d.code]) for d in picked]
        for run in ("naive1", "naive2"):
            window = Window(server)
            naive_sync(gc, targets, config)
            result[run] = window.close()
            result[run]["client"] = max(result[run]["reads"], result[run]["writes"])
        result["naive_measured"] = len(picked)
        if default_limits:
            result["probe"] = naive_probe(server, gc, targets, config)
    return result


class ServerProcess:
    """The local server in a process of its own, so that its work is not done on the sync's share of
    the CPU (Google's work is not done on ours either); the same controls as SheetsServer, over HTTP."""

    def __init__(self, google_quotas: bool):
        command = [sys.executable, "-m", "tests.sheets_server", "--port", "0"]
        if google_quotas:
            command.append("--google-quotas")  # 60 reads and 60 writes a minute per user, 300 per project
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        self.token_uri = self.url + "/token"

    def write_credentials(self, path: Path, client_email: str = DEFAULT_CLIENT_EMAIL) -> dict:
        return SheetsServer.write_credentials(self, path, client_email)  # uses only url and token_uri

    def _control(self, method: str, path: str, **body) -> dict:
        reply = requests.request(method, f"{self.url}/_emulator/{path}", json=body or None, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def stats(self) -> dict:
        return self._control("GET", "stats")

    def reset(self) -> None:
        self._control("POST", "reset")

    def set_google_quotas(self, on: bool) -> None:
        self._control("POST", "quota", google=on)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run_real_pace(n: int, workbooks: list[Workbook], folder: Path, accounts: int = 1) -> dict:
    """Two syncs of n districts at the default client limits against the server's quotas (60 reads
    and 60 writes a minute per user, 429 beyond): the wall time is the pacing itself. With several
    `accounts` (service accounts of one project) every spreadsheet is shared with each."""
    result: dict = {"n": n, "real_pace": True, "accounts": accounts}
    with ServerProcess(google_quotas=True) as server:
        config = make_config(folder / f"pace{n}", server, n, None)
        districts = list(config.districts)
        uploads = {d.code: workbooks[i % len(workbooks)] for i, d in enumerate(districts)}
        result["lacking"] = sum(1 for d in districts if lacks_a_contract_tab(uploads[d.code]))
        server.set_google_quotas(False)  # provisioning is not what is measured
        provisioner = Provisioner(raised(config))
        report = provisioner.run(districts, uploads)
        if report.failed:
            raise SystemExit(f"provisioning failed: {report.failed[0].lines(False)}")
        summary_id = report.outcomes[-1].spreadsheet_id
        if accounts > 1:
            ids = [o.spreadsheet_id for o in report.outcomes]
            config = with_accounts(config, server, provisioner, ids, accounts, folder / f"pace{n}")
        server.reset()  # counters and quota windows start afresh, quotas back on
        for run in ("ours1", "ours2"):
            print(f"  {run}: sync at the default limits, server quotas on ...", file=sys.stderr, flush=True)
            backend = GoogleBackend(config)
            stamps: list[float] = []
            window = Window(server)
            outcome = run_sync(config, AS_OF, districts, email=False, backend=backend, progress=stamper(stamps))
            result[run] = window.close(summary_id)
            result[run]["written"] = len(outcome.status_written)
            result[run]["client_retries"] = backend.http.counts.get("retries", 0)
            result[run]["steady_pace"] = steady_pace(stamps)
    return result


def with_accounts(config: Config, server: ServerProcess, provisioner: Provisioner, ids, accounts: int, folder: Path):
    """The configuration with `accounts` service accounts of the same project, each an editor of
    every spreadsheet in `ids`."""
    paths = [Path(config.backend.google.credentials)]
    for k in range(2, accounts + 1):
        email = DEFAULT_CLIENT_EMAIL.replace("@", f"-{k}@")
        paths.append(folder / f"sa{k}.json")
        server.write_credentials(paths[-1], email)
        for spreadsheet_id in ids:
            body = {"type": "user", "role": "writer", "emailAddress": email}
            url = f"{DRIVE_FILES}/{spreadsheet_id}/permissions"
            provisioner.http.request("post", url, params={"sendNotificationEmail": False}, json=body)
    google = config.backend.google.model_copy(update={"credentials": paths})
    return config.model_copy(update={"backend": config.backend.model_copy(update={"google": google})})


def stamper(stamps: list[float]):
    """A progress callback that notes when each district was checked."""
    return lambda _district: stamps.append(time.perf_counter())


def steady_pace(stamps: list[float], burst: int = GOOGLE_QUOTA) -> float:
    """Seconds per district once the first minute's burst of the quota is spent (from the times at
    which districts were checked)."""
    start = min(burst + 10, len(stamps) // 2)
    if len(stamps) - 1 <= start:
        return 0.0
    return (stamps[-1] - stamps[start]) / (len(stamps) - 1 - start)


def extrapolate(r: dict, n_to: int) -> dict:
    """The first sync of `n_to` districts, from the first sync measured at r["n"]: requests scaled
    per district (the summary's and Drive's are constants); wall time = the measured wall time plus
    the extra districts at the measured steady pace, or at the client's quota pace if that is slower
    (the first minute's burst can make a short run look faster than the quota allows)."""
    n, first = r["n"], r["ours1"]
    per_district = {k: first["district_" + k] / n for k in ("reads", "writes")}
    per_minute = min(GOOGLE_QUOTA * r["accounts"], PROJECT_QUOTA)
    quota_pace = max(per_district.values()) * WINDOW_SECONDS / per_minute
    pace = max(first["steady_pace"], quota_pace)
    return {
        "n": n_to,
        "extrapolated_from": n,
        "reads": round(per_district["reads"] * n_to + first["summary_reads"]),
        "writes": round(per_district["writes"] * n_to + first["summary_writes"]),
        "drive": first["drive"],
        "measured_seconds_per_district": round(first["steady_pace"], 3),
        "quota_seconds_per_district": round(quota_pace, 3),
        "wall_seconds": round(first["seconds"] + (n_to - n) * pace, 1),
    }


def pace_report(results: list[dict]) -> int:
    """The table of --real-pace runs and the 878 extrapolation; 1 when a target is missed."""
    missed = []
    print("\nSyncs at the default client limits against the server's quotas (60 reads, 60 writes a minute")
    print(f"per user, 300 of each per project), with {results[0]['accounts']} service account(s):\n")
    head = f"{'districts':>9}  {'run':<16} {'wall s':>8} {'reads':>6} {'writes':>6} {'drive':>6} {'429s':>5}"
    print(head)
    print("-" * len(head))
    for r in results:
        for run, label in (("ours1", "first sync"), ("ours2", "unchanged sync")):
            x = r[run]
            print(
                f"{r['n']:>9}  {label:<16} {x['seconds']:>8.1f} {x['reads']:>6} {x['writes']:>6}"
                f" {x['drive']:>6} {x['throttled']:>5}"
            )
            if x["throttled"]:
                missed.append(f"{r['n']} {label}: {x['throttled']} answers were 429")
        if r["ours1"]["drive"] > 3:
            missed.append(f"{r['n']}: first sync sent {r['ours1']['drive']} Drive requests (goal <= 3)")
        big = extrapolate(r, 878)
        r["extrapolated_878"] = big
        goal = 878 * 60 / GOOGLE_QUOTA * 1.05
        print(
            f"\n878 districts, extrapolated from the {r['n']}-district run (not measured): {big['reads']} reads,"
            f" {big['writes']} writes, {big['drive']} Drive requests (request counts scaled per district);"
            f" wall {big['wall_seconds'] / 60:.1f} min = the measured {r['ours1']['seconds']:.0f} s + {878 - r['n']}"
            f" districts at {max(big['measured_seconds_per_district'], big['quota_seconds_per_district']):.2f} s"
            f" each (the slower of the measured steady pace, {big['measured_seconds_per_district']:.2f} s, and"
            f" the client's quota pace, {big['quota_seconds_per_district']:.2f} s) (goal <= {goal / 60:.1f} min)"
        )
        if big["wall_seconds"] > goal:
            missed.append(f"878 extrapolated: {big['wall_seconds'] / 60:.1f} min > {goal / 60:.1f} min")
    if missed:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(missed))
        return 1
    print("\nTargets met: no 429, at most 3 Drive requests, 878 extrapolated within 15.4 min.")
    return 0


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
            f"  {at_quota(naive1['client'] * scale):<22} {at_quota(naive2['client'] * scale):<22} {'-':>4}"
        )
        if first["district_sheets"] > 2 * n or first["summary_sheets"] > 2:
            missed.append(
                f"{n}: first sync took {first['district_sheets']} + {first['summary_sheets']} Sheets requests"
            )
        if second["district_sheets"] != 0:
            missed.append(f"{n}: the unchanged second sync sent {second['district_sheets']} district requests")
        if first["throttled"] or second["throttled"]:
            missed.append(f"{n}: {first['throttled'] + second['throttled']} answers were 429")
        if first["drive"] > 3:
            missed.append(f"{n}: the first sync sent {first['drive']} Drive requests (goal <= 3)")
    print()
    for r in results:
        n, first = r["n"], r["ours1"]
        print(
            f"{n} districts, ours: first sync {first['district_sheets']} Sheets requests ({first['reads']} reads and"
            f" {first['writes']} writes in all) = 2 x {n}, also for the {r['lacking']} spreadsheets lacking a"
            f" contract tab (one spreadsheets.get reads every tab); + {first['summary_sheets']} for"
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
        "\n@60/min: the larger of Sheets reads and writes / 60 per minute (Google's quotas: 60 reads and,"
        " separately, 60 writes a minute per user; Drive has its own, larger quota). Naive rows measured on"
        " a sample are scaled to all districts."
    )
    if missed:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(missed))
        return 1
    print(
        "\nTargets met: first sync <= 2 Sheets requests per district + 2 for the summary, <= 3 Drive requests;"
        " unchanged second sync 0 reads and 0 writes per district; no 429."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=None, help="numbers of districts, comma-separated (17,878; --real-pace 170)")
    parser.add_argument("--naive-sample", type=int, default=34, help="districts the naive way is measured on")
    parser.add_argument(
        "--real-pace",
        action="store_true",
        help="sync at the default client limits against the server's quotas (wall time and 429s), no naive runs",
    )
    parser.add_argument(
        "--accounts", type=int, default=1, help="--real-pace with this many service accounts of one project"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure instead")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("170" if args.real_pace else "17,878")).split(",") if s.strip()]
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="khoknongna-bench-") as tmp:
        workbooks = demo_workbooks(Path(tmp) / "workbooks")
        for n in sizes:
            print(f"{n} districts ...", file=sys.stderr, flush=True)
            if args.real_pace:
                results.append(run_real_pace(n, workbooks, Path(tmp), args.accounts))
            else:
                results.append(run_size(n, workbooks, Path(tmp), max(args.naive_sample, len(DISTRICTS))))
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown if args.json else sys.stdout):
        code = pace_report(results) if args.real_pace else report(results)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"results": results, "targets_met": code == 0, "bench_seconds": round(seconds, 1)}))
    else:
        print(f"\nbench: {seconds:.0f} s in all")
    return code


if __name__ == "__main__":
    sys.exit(main())
