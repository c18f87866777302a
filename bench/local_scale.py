"""The local (.xlsx) backend at national size: time and memory of check and sync.

    python bench/local_scale.py [--sizes 17,878]

For each size N, N district workbooks are made from the 17 demo workbooks (replicated under new
codes), then timed: `check` (read + parse + rules, nothing written), a first `sync` (writes every
status tab and the summary; memos off) and a second, unchanged `sync` (writes no status tab).
Prints wall seconds, milliseconds per district and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.make_demo import build_demo  # noqa: E402
from sync.backends.xlsx import XlsxBackend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.pipeline import check_all, run_sync, select_districts  # noqa: E402

AS_OF = dt.date(2025, 1, 21)


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


def timed(step, *args, **kwargs):
    start = time.perf_counter()
    result = step(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'districts':>9}  {'step':<22} {'seconds':>8} {'ms/district':>12} {'written':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        demo = build_demo(Path(tmp) / "demo")
        for n in sizes:
            config = load_config(make_province(Path(tmp) / f"n{n}", demo, n))
            districts = select_districts(config)
            report, seconds = timed(check_all, config, AS_OF, districts, XlsxBackend(config))
            assert len(report.districts) == n
            print(f"{n:>9}  {'check':<22} {seconds:>8.1f} {1000 * seconds / n:>12.1f} {'-':>8}")
            for step in ("sync (first)", "sync (unchanged)"):
                outcome, seconds = timed(run_sync, config, AS_OF, districts, email=False)
                written = len(outcome.status_written)
                print(f"{n:>9}  {step:<22} {seconds:>8.1f} {1000 * seconds / n:>12.1f} {written:>8}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
