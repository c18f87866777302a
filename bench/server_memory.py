"""Memory of the local Sheets/Drive server (tests/sheets_server) holding a provisioned province.

    python bench/server_memory.py [--sizes 17,878] [--json]

For each size N the server runs as its own process (``python -m tests.sheets_server``), and the real
``cli.py init --backend google --from-xlsx DIR`` creates N district spreadsheets and the provincial
summary in it from N workbooks (the 17 demo workbooks of demo/make_demo.py replicated under new
codes). Printed: the server's resident memory (VmRSS from /proc) when idle and after provisioning,
its peak (VmHWM), the growth per district, the wall time of init and the server's CPU time. ``--json`` prints one JSON
object with the same figures instead of the table.

Exit status 1 when the server holds more than --goal-mib (300) after provisioning the largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.make_demo import build_demo  # noqa: E402

RAISED = 1_000_000  # the client's own rate limits, lifted: provisioning speed is not measured here


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024  # kB
    return {"rss": fields["VmRSS"], "peak": fields["VmHWM"]}


class ServerProcess:
    """``python -m tests.sheets_server`` on a free port, with a service-account key for it."""

    def __init__(self, credentials: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sheets_server", "--port", "0", "--credentials-out", str(credentials)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.url = (self.proc.stdout.readline() if self.proc.stdout else "").strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise SystemExit("the local Sheets server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def make_province(folder: Path, demo: list[Path], n: int, url: str, credentials: Path) -> Path:
    """N workbooks named by new codes, each a copy of a demo workbook, and a Google config for them."""
    workbooks = folder / "workbooks"
    workbooks.mkdir(parents=True)
    districts = []
    for i in range(n):
        code = f"{1000 + i}"
        shutil.copyfile(demo[i % len(demo)], workbooks / f"{code}.xlsx")
        districts.append({"code": code, "name": f"อำเภอทดสอบ{i + 1}", "emails": [f"cd{code}@example.go.th"]})
    includes = [str(REPO / "config" / name) for name in ("province.yaml", "programme.yaml", "schedule.yaml")]
    data = {
        "include": includes,
        "districts": districts,
        "backend": {
            "kind": "google",
            "google": {
                "credentials": str(credentials),
                "endpoint": url,
                "summary_spreadsheet": "สรุปจังหวัด (bench)",
                "rate_limit_per_minute": RAISED,
                "drive_rate_limit_per_minute": RAISED,
            },
        },
        "outputs": {
            "summary": str(folder / "summary.xlsx"),
            "outbox": str(folder / "outbox"),
            "state": str(folder / "state"),
        },
    }
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config


def stored(url: str) -> dict:
    """What the server holds, from its control endpoint (spreadsheets, sheets, cells)."""
    import requests

    return requests.get(url + "/_emulator/stats", timeout=30).json().get("stored", {})


def measure(n: int, demo: list[Path], tmp: Path) -> dict:
    folder = tmp / f"n{n}"
    folder.mkdir()
    credentials = folder / "sa.json"
    server = ServerProcess(credentials)
    try:
        idle = memory_mib(server.proc.pid)
        config = make_province(folder, demo, n, server.url, credentials)
        started = time.perf_counter()
        init = subprocess.run(
            [
                sys.executable,
                str(REPO / "cli.py"),
                "init",
                "--backend",
                "google",
                "--config",
                str(config),
                "--from-xlsx",
                str(folder / "workbooks"),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = time.perf_counter() - started
        if init.returncode != 0:
            raise SystemExit(f"init failed ({init.returncode}): {init.stderr[-2000:]}")
        after = memory_mib(server.proc.pid)
        server_cpu = cpu_seconds(server.proc.pid)
        holds = stored(server.url)
    finally:
        server.stop()
    return {
        "districts": n,
        "idle_rss_mib": round(idle["rss"], 1),
        "rss_mib": round(after["rss"], 1),
        "peak_rss_mib": round(after["peak"], 1),
        "per_district_kib": round(1024 * (after["rss"] - idle["rss"]) / n, 1),
        "init_seconds": round(seconds, 1),
        "server_cpu_seconds": round(server_cpu, 1),
        "stored": holds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    parser.add_argument("--goal-mib", type=float, default=300, help="most the server may hold at the largest size")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        demo = build_demo(Path(tmp) / "demo")
        results = [measure(n, demo, Path(tmp)) for n in sizes]
    largest = max(results, key=lambda r: r["districts"])
    met = largest["rss_mib"] <= args.goal_mib
    if args.json:
        print(json.dumps({"results": results, "goal_mib": args.goal_mib, "goal_met": met}, ensure_ascii=False))
        return 0 if met else 1
    print(
        f"{'districts':>9} {'idle MiB':>9} {'after init MiB':>15} {'peak MiB':>9} {'KiB/district':>13}"
        f" {'init s':>7} {'server CPU s':>13}  stored"
    )
    for r in results:
        holds = ", ".join(f"{k} {v:,}" for k, v in r["stored"].items()) or "-"
        print(
            f"{r['districts']:>9} {r['idle_rss_mib']:>9.1f} {r['rss_mib']:>15.1f} {r['peak_rss_mib']:>9.1f}"
            f" {r['per_district_kib']:>13.1f} {r['init_seconds']:>7.1f} {r['server_cpu_seconds']:>13.1f}  {holds}"
        )
    verdict = "met" if met else "MISSED"
    print(
        f"\nserver after provisioning {largest['districts']} districts: {largest['rss_mib']:.0f} MiB"
        f" (goal <= {args.goal_mib:.0f} MiB: {verdict}); python {sys.version.split()[0]}, pid RSS from /proc"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
