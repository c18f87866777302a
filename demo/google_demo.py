"""`make demo-google`: the demo districts on a local Google-Sheets-compatible server.

    python demo/google_demo.py [--workbooks demo/workbooks] [--as-of 2025-01-21]

Starts the local Sheets/Drive server of tests/sheets_server in this process on a free port, with
Google's per-user quota (60 read and 60 write requests a minute, 429 beyond), writes the
service-account key it accepts to demo/output/google/sa.json and an effective configuration
(config/demo-google.yaml with the server's endpoint) to demo/output/google/config.yaml, then runs
the real command line against it:

    cli.py init --backend google --from-xlsx demo/workbooks   (creates and uploads the 17 spreadsheets)
    cli.py init --backend google --from-xlsx demo/workbooks   (again: changes nothing)
    cli.py sync --as-of 2025-01-21                            (first sync)
    cli.py sync --as-of 2025-01-21                            (nothing changed: nothing read or written)

and prints, for each step, the requests the server answered (from its statistics), then stops it.
Nothing goes to Google. Everything is written under demo/output/google (cleared first).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.config import load_config  # noqa: E402
from tests.sheets_server import SheetsServer  # noqa: E402

OUTPUT = REPO / "demo" / "output" / "google"
BASE_CONFIG = REPO / "config" / "demo-google.yaml"
GOOGLE_QUOTA = 60  # requests per minute per user, for reads and for writes


def write_config(url: str) -> Path:
    """config/demo-google.yaml with this run's endpoint (paths made absolute: they are resolved
    against the file that is loaded, and this one lives elsewhere)."""
    base = load_config(BASE_CONFIG)
    effective = {
        "include": [str(BASE_CONFIG)],
        "backend": {"google": {"endpoint": url, "credentials": str(base.backend.google.credentials)}},
        "outputs": {"outbox": str(base.outputs.outbox), "state": str(base.outputs.state)},
    }
    path = OUTPUT / "config.yaml"
    path.write_text(
        "# Written by demo/google_demo.py for one run of the local server.\n"
        + yaml.safe_dump(effective, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def run_cli(*args: str) -> int:
    shown = " ".join(a if " " not in a else repr(a) for a in args)
    print(f"\n$ python cli.py {shown}", flush=True)
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], cwd=REPO).returncode


class Figures:
    """Requests the server answered during one step, from its statistics (the request log holds the
    last 1,000 requests, more than any step of the demo makes)."""

    def __init__(self, server: SheetsServer):
        self.server = server
        self.before = server.stats()

    def done(self, step: str, districts: int, summary_title: str) -> dict:
        after = self.server.stats()
        new = after["total"] - self.before["total"]
        log = after["requests"][-new:] if new else []
        summary_ids = {
            sid
            for sid in self.server.spreadsheet_ids()
            if self.server.spreadsheet(sid)["properties"]["title"] == summary_title
        }
        sheets = [r for r in log if not r["kind"].startswith(("drive.", "oauth."))]
        on_summary = [r for r in sheets if _spreadsheet_of(r["path"]) in summary_ids]
        return {
            "step": step,
            "district": len(sheets) - len(on_summary),
            "per_district": (len(sheets) - len(on_summary)) / districts,
            "summary": len(on_summary),
            "reads": after["reads"] - self.before["reads"],
            "writes": after["writes"] - self.before["writes"],
            "drive": sum(1 for r in log if r["kind"].startswith("drive.")),
            "throttled": after["throttled"] - self.before["throttled"],
        }


def _spreadsheet_of(path: str) -> str:
    """The id in /v4/spreadsheets/{id}..., or ""."""
    parts = path.split("/")
    return parts[3].split(":")[0] if len(parts) > 3 else ""


def print_figures(rows: list[dict], districts: int) -> None:
    print(f"\nRequests answered by the local server ({districts} districts, quota {GOOGLE_QUOTA}/min per user):")
    head = (
        f"{'step':<18} {'Sheets/district':>15} {'district Sheets':>15} {'summary Sheets':>14}"
        f" {'reads':>6} {'writes':>6} {'Drive':>6} {'429s':>5}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['step']:<18} {r['per_district']:>15.2f} {r['district']:>15} {r['summary']:>14}"
            f" {r['reads']:>6} {r['writes']:>6} {r['drive']:>6} {r['throttled']:>5}"
        )
    print(
        "Sheets/district: Sheets API requests on the district spreadsheets divided by the districts"
        " (reads + writes; Drive and the token are not Sheets quota). A first sync takes one read"
        " (spreadsheets.get with every tab's values) and one write (spreadsheets.batchUpdate: the status"
        " tab's values and look) per district, also for 5718, which has no 5P plan tab; an unchanged sync"
        " reads and writes nothing on the districts. Drive: the listing, and one more after writing to"
        " learn the written spreadsheets' modifiedTime."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workbooks", type=Path, default=REPO / "demo" / "workbooks", help="district workbooks")
    parser.add_argument("--as-of", default="2025-01-21", help="the day the demo checks as of")
    args = parser.parse_args(argv)
    if not args.workbooks.is_dir():
        print(f"{args.workbooks}: no demo workbooks (run `make demo-data` first)", file=sys.stderr)
        return 2

    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    server = SheetsServer(quota_per_minute=GOOGLE_QUOTA).start()
    try:
        base = load_config(BASE_CONFIG)
        server.write_credentials(base.backend.google.credentials)
        config = write_config(server.url)
        districts = len(base.districts)
        print(f"Local Sheets/Drive-compatible server on {server.url} (Google's quota: {GOOGLE_QUOTA} read and")
        print(f"{GOOGLE_QUOTA} write requests per minute per user); configuration {config.relative_to(REPO)}")
        steps = [
            ("init", ["init", "--backend", "google", "--config", str(config), "--from-xlsx", str(args.workbooks)]),
            (
                "init (again)",
                ["init", "--backend", "google", "--config", str(config), "--from-xlsx", str(args.workbooks)],
            ),
            ("sync 1", ["sync", "--config", str(config), "--as-of", args.as_of]),
            ("sync 2 (unchanged)", ["sync", "--config", str(config), "--as-of", args.as_of]),
        ]
        rows, worst = [], 0
        for name, cli_args in steps:
            figures = Figures(server)
            code = run_cli(*[str(a) for a in cli_args])
            worst = max(worst, code)
            rows.append(figures.done(name, districts, base.backend.google.summary_spreadsheet))
        print_figures(rows, districts)
    finally:
        server.stop()
    print("\nLocal server stopped (nothing was sent to Google).")
    return worst


if __name__ == "__main__":
    sys.exit(main())
