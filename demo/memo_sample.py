"""Sample memos for a person to look at: the demo's district reminder and provincial summary as
A4 PDFs, with a PNG of each first page (rendered by pypdfium2) and the HTML.

    python demo/memo_sample.py [--config config/demo.yaml] [--district 5702] [--as-of 2025-01-21] [--out DIR]

`make memo-sample` runs it on the bundled demo workbooks (made by `make demo-data`).
Nothing is sent and nothing is recorded in the ledger.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.backends import open_backend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.dates import parse_as_of  # noqa: E402
from sync.delivery.preview import preview  # noqa: E402
from sync.outputs.memos import keep_whole, render_html  # noqa: E402
from sync.outputs.pdf import font_base, render_pdf  # noqa: E402
from sync.pipeline import check_all, select_districts  # noqa: E402


def first_page_png(pdf: bytes, path: Path, scale: float = 2.0) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=scale).to_pil().save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(REPO / "config" / "demo.yaml"))
    parser.add_argument("--district", default="5702")
    parser.add_argument("--as-of", default="2025-01-21")
    parser.add_argument("--out", default=str(REPO / "demo" / "output" / "memo-sample"))
    args = parser.parse_args(argv)
    config = load_config(args.config)
    as_of = parse_as_of(args.as_of)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = check_all(config, as_of, select_districts(config), open_backend(config))
    words = keep_whole(config)
    for kind, code in (("reminder", args.district), ("summary", None)):
        memo, notes = preview(config, report, as_of, kind, code)
        if memo is None:
            print("\n".join(notes))
            continue
        started = time.perf_counter()
        pdf = render_pdf(memo.html, words)
        seconds = time.perf_counter() - started
        stem = out / (f"{kind}-{code}" if code else kind)
        stem.with_suffix(".pdf").write_bytes(pdf)
        stem.with_suffix(".html").write_text(render_html(memo.kind, memo.context, font_base()), encoding="utf-8")
        first_page_png(pdf, stem.with_suffix(".png"))
        print(f"{stem.with_suffix('.pdf')}: {len(pdf) / 1024:.0f} KiB, rendered in {seconds:.2f} s")
        print(f"{stem.with_suffix('.png')}: first page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
