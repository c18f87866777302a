"""Memo rendering at provincial and national size: jinja work, attachments, time and memory.

    python bench/memo_render.py [--sizes 17,878] [--sample 40] [--json]

The 17 demo workbooks are built in a temporary folder and checked once (as of 2025-01-21); for a
size N their results are replicated under N district codes. Printed per size:

- the district reminders (one per district with something that needs action): CPU seconds to
  build them (jinja templates, text and HTML);
- the attachments (PDF and .docx) of up to `--sample` reminders, made the way a sync makes them
  (sync/outputs/workers.py: 2 worker processes, once they are up), in wall and CPU seconds, and,
  for comparison, one after the other in the run's own process (as before the pool);
- the provincial summary memo (one row per district): made by a worker, as a sync does, with how
  much the run's process grew (its peak resident memory) and the worker's peak; then made in the
  run's own process, as before, with how much that grew it.

Wall seconds depend on what else the machine runs; CPU seconds much less.

Each size runs in a fresh child process, so its peak memory is its own. `--json` prints one JSON
object with every figure instead of the table.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = dt.date(2025, 1, 21)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _config(folder: Path, n: int | None):
    """The demo's configuration (n None), or one with N districts under new codes."""
    from sync.config import load_config

    names = ("province.yaml", "programme.yaml", "schedule.yaml") + (("districts.yaml",) if n is None else ())
    data = {"include": [str(REPO / "config" / name) for name in names]}
    if n is not None:
        codes = [f"{1000 + i}" for i in range(n)]
        data["districts"] = [
            {"code": code, "name": f"ทดสอบ{i + 1}", "emails": [f"cd{code}@example.go.th"]}
            for i, code in enumerate(codes)
        ]
    data |= {
        "backend": {"kind": "xlsx", "workbooks": str(folder / "workbooks")},
        "outputs": {"summary": str(folder / "summary.xlsx"), "outbox": str(folder / "outbox"),
                    "state": str(folder / "state")},
    }
    path = folder / f"config-{n or 'demo'}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def _pages(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


def _timed(job) -> tuple[float, float]:
    """In a worker: make the job's attachments; (CPU seconds, the worker's peak MiB)."""
    from sync.outputs.workers import make

    cpu = time.process_time()
    make(job)
    return time.process_time() - cpu, _rss_mib()


def _pool_figures(jobs, words) -> tuple[float, float, float]:
    """Make the jobs as a sync does (2 workers forked by the warm fork server): (wall s, CPU s of
    the workers, the workers' peak MiB)."""
    from sync.outputs import workers

    context = workers._context()
    alive, _run_lives = context.Pipe(duplex=False)
    with ProcessPoolExecutor(2, mp_context=context, initializer=workers._start, initargs=(words, alive)) as pool:
        list(pool.map(_timed, jobs[:2]))  # the fork server and the workers are up: not the figure
        started = time.perf_counter()
        results = list(pool.map(_timed, jobs))
        wall = time.perf_counter() - started
    return wall, sum(cpu for cpu, _ in results), max(peak for _, peak in results)


def measure(folder: str, n: int, sample: int) -> dict:
    """Every figure for N districts (run in a child process)."""
    from sync.backends.xlsx import XlsxBackend
    from sync.checker import Report
    from sync.delivery.policy import reminder_for, reminder_trigger
    from sync.outputs import memos
    from sync.outputs.workers import Job, make, make_all
    from sync.pipeline import check_all, select_districts

    folder = Path(folder)
    config = _config(folder, n)
    demo_config = _config(folder, None)
    demo_report = check_all(demo_config, AS_OF, select_districts(demo_config), XlsxBackend(demo_config))
    results = [
        dataclasses.replace(demo_report.districts[i % 17], code=d.code, name=d.name)
        for i, d in enumerate(config.districts)
    ]
    report = Report(AS_OF, config.programme.fiscal_year, results)
    trigger = reminder_trigger(config, AS_OF)
    words = memos.keep_whole(config)
    figures: dict = {"districts": n}

    memos.reminder(config, results[0], AS_OF)  # imports and first compilation are not the figure
    cpu = time.process_time()
    reminders = [m for r in results if (m := reminder_for(config, r, AS_OF, trigger))]
    figures["reminders"] = len(reminders)
    figures["reminders_cpu_s"] = round(time.process_time() - cpu, 3)

    jobs = [Job(m.html, m.html) for m in reminders[:sample]]
    figures["sample"] = len(jobs)
    wall, cpu, _ = _pool_figures(jobs, words)
    figures["sample_pool_s"], figures["sample_pool_cpu_s"] = round(wall, 2), round(cpu, 2)
    made = list(make_all(jobs[:3], words))
    figures["pdf_kib"] = round(sum(len(pdf) for pdf, _ in made) / len(made) / 1024, 1)
    figures["docx_kib"] = round(sum(len(docx) for _, docx in made) / len(made) / 1024, 1)

    summary = memos.summary(config, report, AS_OF)
    job = Job(memos.print_html(summary), summary.html)
    before = _rss_mib()
    [(pdf, docx)] = list(make_all([job], words))
    figures["summary_run_growth_mib"] = round(_rss_mib() - before, 1)
    figures["summary_pdf_kib"] = round(len(pdf) / 1024, 1)
    figures["summary_pdf_pages"] = _pages(pdf)
    figures["summary_docx_kib"] = round(len(docx) / 1024, 1)
    wall, cpu, peak = _pool_figures([job], words)
    figures["summary_worker_s"], figures["summary_worker_peak_mib"] = round(wall, 2), round(peak, 1)
    figures["run_peak_mib"] = round(_rss_mib(), 1)

    # as before the pool: everything in the run's own process
    from sync.outputs import workers

    workers._words = words
    make(jobs[0])  # start-up (weasyprint, dictionary, fonts) is not the figure
    started, cpu = time.perf_counter(), time.process_time()
    for sample_job in jobs:
        make(sample_job)
    figures["sample_in_process_s"] = round(time.perf_counter() - started, 2)
    figures["sample_in_process_cpu_s"] = round(time.process_time() - cpu, 2)
    before = _rss_mib()
    started = time.perf_counter()
    make(job)
    figures["summary_in_process_s"] = round(time.perf_counter() - started, 2)
    figures["summary_in_process_growth_mib"] = round(_rss_mib() - before, 1)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    parser.add_argument("--sample", type=int, default=40, help="reminders whose attachments are timed")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    args = parser.parse_args(argv)
    from demo.make_demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        build_demo(Path(tmp) / "workbooks")
        context = multiprocessing.get_context("spawn")
        rows = []
        for n in (int(s) for s in args.sizes.split(",")):
            with ProcessPoolExecutor(1, mp_context=context) as pool:  # its worker may start workers
                rows.append(pool.submit(measure, tmp, n, args.sample).result())
    if args.json:
        print(json.dumps({"sizes": rows}, indent=2))
        return 0
    for row in rows:
        print(f"{row['districts']} districts")
        print(f"  reminders: {row['reminders']} memos built in {row['reminders_cpu_s']:.2f} s CPU")
        print(f"  attachments (PDF {row['pdf_kib']:.0f} KiB, .docx {row['docx_kib']:.0f} KiB) of {row['sample']}"
              f" reminders: 2 workers {row['sample_pool_s']:.1f} s ({row['sample_pool_cpu_s']:.1f} s CPU);"
              f" in the run, one after the other, {row['sample_in_process_s']:.1f} s"
              f" ({row['sample_in_process_cpu_s']:.1f} s CPU)")
        print(f"  summary memo ({row['summary_pdf_pages']} pages, PDF {row['summary_pdf_kib']:.0f} KiB,"
              f" .docx {row['summary_docx_kib']:.0f} KiB): by a worker {row['summary_worker_s']:.1f} s,"
              f" the run grew {row['summary_run_growth_mib']:.0f} MiB,"
              f" the worker peaked at {row['summary_worker_peak_mib']:.0f} MiB;"
              f" in the run itself {row['summary_in_process_s']:.1f} s, the run grew"
              f" {row['summary_in_process_growth_mib']:.0f} MiB")
        print(f"  the run's peak before rendering in itself: {row['run_peak_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
