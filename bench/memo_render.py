"""Memo rendering at provincial and national size: jinja work, PDF time and size, and memory.

    python bench/memo_render.py [--sizes 17,878] [--json]

The 17 demo workbooks are built in a temporary folder and checked once (as of 2025-01-21); for a
size N their results are replicated under N district codes. Printed per size:

- the district reminders (one per district with something that needs action): CPU seconds to
  build them (jinja templates, text and HTML);
- the provincial summary memo (one row per district): the PDF's seconds, size and pages, and how
  much the peak resident memory of the process grew while it was made;
- the PDFs of the 17 demo reminders, one after the other in this process.

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


def measure(folder: str, n: int) -> dict:
    """Every figure for N districts (run in a child process)."""
    from sync.backends.xlsx import XlsxBackend
    from sync.checker import Report
    from sync.delivery.policy import reminder_for, reminder_trigger
    from sync.outputs import memos
    from sync.outputs.pdf import render_pdf
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

    if n == 17:
        render_pdf(reminders[0].html, words)  # start-up (weasyprint, dictionary, fonts) is not the figure
        started = time.perf_counter()
        sizes = [len(render_pdf(m.html, words)) for m in reminders]
        figures["reminder_pdfs_s"] = round(time.perf_counter() - started, 2)
        figures["reminder_pdf_mean_kib"] = round(sum(sizes) / len(sizes) / 1024, 1)

    summary = memos.summary(config, report, AS_OF)
    before = _rss_mib()
    started = time.perf_counter()
    pdf = render_pdf(summary.html, words)
    figures["summary_pdf_s"] = round(time.perf_counter() - started, 2)
    figures["summary_pdf_kib"] = round(len(pdf) / 1024, 1)
    figures["summary_pdf_pages"] = _pages(pdf)
    figures["summary_rss_growth_mib"] = round(_rss_mib() - before, 1)
    figures["peak_rss_mib"] = round(_rss_mib(), 1)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,878", help="numbers of districts, comma-separated")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    args = parser.parse_args(argv)
    from demo.make_demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        build_demo(Path(tmp) / "workbooks")
        context = multiprocessing.get_context("spawn")
        rows = []
        for n in (int(s) for s in args.sizes.split(",")):
            with context.Pool(1) as pool:
                rows.append(pool.apply(measure, (tmp, n)))
    if args.json:
        print(json.dumps({"sizes": rows}, indent=2))
        return 0
    for row in rows:
        print(f"{row['districts']} districts")
        print(f"  reminders: {row['reminders']} memos built in {row['reminders_cpu_s']:.2f} s CPU")
        if "reminder_pdfs_s" in row:
            print(f"  reminder PDFs: {row['reminders']} in {row['reminder_pdfs_s']:.2f} s,"
                  f" mean {row['reminder_pdf_mean_kib']:.1f} KiB")
        print(f"  summary memo PDF: {row['summary_pdf_s']:.2f} s, {row['summary_pdf_kib']:.0f} KiB,"
              f" {row['summary_pdf_pages']} pages; the process grew {row['summary_rss_growth_mib']:.0f} MiB")
        print(f"  peak resident memory: {row['peak_rss_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
