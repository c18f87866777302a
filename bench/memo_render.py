"""How long a memo PDF takes and how big it is: every demo reminder and the provincial summary.

    python bench/memo_render.py [--config config/demo.yaml] [--as-of 2025-01-21]

Needs the demo workbooks (`make demo-data`). Prints the one-off start-up cost (weasyprint, the
word dictionary, fonts) and then the time and size of each memo.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.backends import open_backend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.dates import parse_as_of  # noqa: E402
from sync.outputs.memos import keep_whole, reminder, summary  # noqa: E402
from sync.outputs.pdf import render_pdf  # noqa: E402
from sync.pipeline import check_all, select_districts  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(REPO / "config" / "demo.yaml"))
    parser.add_argument("--as-of", default="2025-01-21")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    as_of = parse_as_of(args.as_of)
    report = check_all(config, as_of, select_districts(config), open_backend(config))
    memos = [m for r in report.districts if (m := reminder(config, r, as_of))]
    memos.append(summary(config, report, as_of))
    words = keep_whole(config)
    started = time.perf_counter()
    render_pdf(memos[0].html, words)
    print(f"start-up and first memo: {time.perf_counter() - started:.2f} s")
    times, sizes = [], []
    for memo in memos:
        started = time.perf_counter()
        pdf = render_pdf(memo.html, words)
        times.append(time.perf_counter() - started)
        sizes.append(len(pdf))
        print(f"{memo.file_name:24} {times[-1]:.2f} s {len(pdf) / 1024:5.1f} KiB")
    print(
        f"{len(memos)} memos: mean {statistics.mean(times):.2f} s, max {max(times):.2f} s; "
        f"mean size {statistics.mean(sizes) / 1024:.1f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
