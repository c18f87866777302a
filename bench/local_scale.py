"""The local (.xlsx) backend at national size: CPU time and peak memory of check and sync.

    python bench/local_scale.py [--sizes 17,878] [--repeat 3] [--no-memos] [--json] [--code CHECKOUT]

For each size N, N district workbooks are made from the 17 demo workbooks (replicated under new
codes). Each step then runs as its own process, the way an operator runs it (`cli.py check
--format json`, `cli.py sync`), and is measured from outside: CPU seconds (user + sys of the
process, which is what counts on a shared machine, unlike wall time) and its peak resident memory.

- floor: reading every workbook with python-calamine alone (every tab, as the backend reads them);
  the other steps are also shown as a multiple of it ("× floor");
- check: read + parse + rules, nothing written;
- sync (first): writes every status tab and the summary, memos off;
- sync (unchanged): the same again, nothing changed in between (no status tab is written);
- sync (memos): the same once more, with the memos of the day (reminders and, on the 21st, the
  provincial summary memo) written to the outbox, PDFs as configured.

floor, check and the unchanged sync are repeated `--repeat` times and the run with the least CPU
is shown; the first sync and the memo run change state and run once. `--json` prints one JSON
object with every figure instead of the table. `--code DIR` measures another checkout's cli.py
(e.g. the commit before a change, from `git archive`), with the same workbooks and interpreter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.make_demo import build_demo  # noqa: E402

AS_OF = dt.date(2025, 1, 21)  # a reminder day (the day after the January report was due) and summary day
GOALS = {"check": 3.0, "sync (first)": 10.0, "sync (unchanged)": 3.0}  # × floor (issue 13)
RSS_GOAL_MIB = 300  # sync with memos

FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = CalamineWorkbook.from_filelike(open(path, "rb"))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def make_province(folder: Path, demo: list[Path], n: int) -> Path:
    """N workbooks named by new 4-digit codes, each a copy of a demo workbook; a config for them."""
    workbooks = folder / "workbooks"
    workbooks.mkdir(parents=True)
    districts = []
    for i in range(n):
        code = f"{1000 + i}"
        shutil.copyfile(demo[i % len(demo)], workbooks / f"{code}.xlsx")
        districts.append({"code": code, "name": f"อำเภอทดสอบ{i + 1}", "emails": [f"cd{code}@example.go.th"]})
    config = folder / "config.yaml"
    includes = [str(REPO / "config" / name) for name in ("province.yaml", "programme.yaml", "schedule.yaml")]
    data = {
        "include": includes,
        "districts": districts,
        "backend": {"kind": "xlsx", "workbooks": str(workbooks)},
        "outputs": {
            "summary": str(folder / "summary.xlsx"),
            "outbox": str(folder / "outbox"),
            "state": str(folder / "state"),
        },
    }
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config


@dataclass
class Run:
    cpu_s: float
    wall_s: float
    peak_rss_mib: float
    exit: int


@dataclass
class Step:
    name: str
    runs: list[Run] = field(default_factory=list)
    written: int | None = None  # status tabs written (sync steps)
    memos: int | None = None  # .eml files in the outbox (memo step)

    @property
    def best(self) -> Run:
        return min(self.runs, key=lambda r: r.cpu_s)

    def as_json(self, floor: float | None) -> dict:
        best = self.best
        data = {"cpu_s": round(best.cpu_s, 3), "wall_s": round(best.wall_s, 3)}
        data["peak_rss_mib"] = round(max(r.peak_rss_mib for r in self.runs), 1)
        if floor:
            data["x_floor"] = round(best.cpu_s / floor, 2)
        if self.name in GOALS:
            data["goal_x_floor"] = GOALS[self.name]
        if self.written is not None:
            data["status_written"] = self.written
        if self.memos is not None:
            data["memos"] = self.memos
            data["goal_peak_rss_mib"] = RSS_GOAL_MIB
        data["runs"] = [asdict(r) for r in self.runs]
        return data


def measure(command: list[str], cwd: Path) -> tuple[Run, str]:
    """Run `command`; its CPU time and peak RSS from wait4 (the process and what it waited for), and
    its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode(errors="replace") for f in (out, err))
    run = Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, proc.returncode)
    if run.exit not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit {run.exit}\n{stderr[-3000:]}")
    return run, stdout


def _written(stdout: str) -> int:
    """Status tabs a sync wrote, from its output ("status tab: wrote N (...)")."""
    found = re.search(r"status tab: wrote (\d+)", stdout)
    return int(found.group(1)) if found else 0


def bench_size(n: int, demo: list[Path], folder: Path, code: Path, repeat: int, memos: bool) -> dict[str, Step]:
    config = make_province(folder, demo, n)
    workbooks, outbox = folder / "workbooks", folder / "outbox"
    cli = [sys.executable, str(code / "cli.py")]
    as_of = ["--config", str(config), "--as-of", AS_OF.isoformat()]
    steps = {name: Step(name) for name in ("floor", "check", "sync (first)", "sync (unchanged)")}
    for _ in range(repeat):
        steps["floor"].runs.append(measure([sys.executable, "-c", FLOOR, str(workbooks)], code)[0])
        steps["check"].runs.append(measure([*cli, "check", *as_of, "--format", "json"], code)[0])
    for name, times in (("sync (first)", 1), ("sync (unchanged)", repeat)):
        for _ in range(times):
            run, stdout = measure([*cli, "sync", *as_of, "--no-email"], code)
            steps[name].runs.append(run)
            steps[name].written = max(steps[name].written or 0, _written(stdout))
    if memos:
        step = steps["sync (memos)"] = Step("sync (memos)")
        step.runs.append(measure([*cli, "sync", *as_of], code)[0])
        step.memos = sum(1 for _ in outbox.rglob("*.eml"))
    return steps


def table(results: dict[int, dict[str, Step]]) -> str:
    lines = [f"{'districts':>9}  {'step':<18} {'CPU s':>7} {'× floor':>8} {'goal':>6} {'ms/district':>12}"
             f" {'peak MiB':>9} {'wall s':>7} {'written':>8}"]
    for n, steps in results.items():
        floor = steps["floor"].best.cpu_s
        for step in steps.values():
            best = step.best
            goal = f"≤{GOALS[step.name]:g}" if step.name in GOALS else ""
            goal = f"≤{RSS_GOAL_MIB}M" if step.memos is not None else goal
            written = step.written if step.written is not None else (f"{step.memos} memos" if step.memos else "-")
            ratio = best.cpu_s / floor
            lines.append(
                f"{n:>9}  {step.name:<18} {best.cpu_s:>7.2f} {ratio:>8.1f} {goal:>6} {1000 * best.cpu_s / n:>12.2f}"
                f" {max(r.peak_rss_mib for r in step.runs):>9.0f} {best.wall_s:>7.1f} {written!s:>8}"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of floor, check and unchanged sync (least CPU)")
    parser.add_argument("--no-memos", dest="memos", action="store_false", help="skip the sync with memos")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose cli.py is measured")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    code = args.code.resolve()
    results: dict[int, dict[str, Step]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = build_demo(Path(tmp) / "demo")
        for n in sizes:
            results[n] = bench_size(n, demo, Path(tmp) / f"n{n}", code, max(1, args.repeat), args.memos)
    if args.json:
        report = {
            "as_of": AS_OF.isoformat(),
            "code": str(code),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "repeat": args.repeat,
            "sizes": {
                str(n): {step.name: step.as_json(steps["floor"].best.cpu_s) for step in steps.values()}
                for n, steps in results.items()
            },
        }
        print(json.dumps(report, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
