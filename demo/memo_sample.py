"""Sample memos for a person to look at: the demo's district reminder and provincial summary as
A4 PDFs and editable .docx files, with a PNG of every PDF page (rendered by pypdfium2), the HTML,
and, when LibreOffice is installed, a PNG of every page of the .docx as LibreOffice shows it.

    python demo/memo_sample.py [--config config/demo.yaml] [--district 5702] [--as-of 2025-01-21] [--out DIR]

`make memo-sample` runs it on the bundled demo workbooks (made by `make demo-data`).
Nothing is sent, nothing is recorded in the ledger and no ที่ number is taken.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.backends import open_backend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.dates import parse_as_of  # noqa: E402
from sync.delivery.preview import preview  # noqa: E402
from sync.outputs.docx import render_docx  # noqa: E402
from sync.outputs.memos import keep_whole, print_html, render_html  # noqa: E402
from sync.outputs.pdf import font_base, render_pdf  # noqa: E402
from sync.pipeline import check_all, select_districts  # noqa: E402


def page_pngs(pdf: bytes, stem: Path, scale: float = 1.5) -> list[Path]:
    import pypdfium2

    paths = []
    for number, page in enumerate(pypdfium2.PdfDocument(pdf), 1):
        path = stem.with_name(f"{stem.name}-{number}.png")
        page.render(scale=scale).to_pil().save(path)
        paths.append(path)
    return paths


def libreoffice_pdf(docx: Path) -> bytes | None:
    """The .docx as LibreOffice Writer prints it, or None when LibreOffice (Writer) is not installed."""
    soffice = shutil.which("soffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        command = [soffice, "--headless", profile, "--convert-to", "pdf", "--outdir", tmp, str(docx)]
        subprocess.run(command, capture_output=True, timeout=300)
        out = Path(tmp) / docx.with_suffix(".pdf").name
        return out.read_bytes() if out.exists() else None


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
    words, garuda = keep_whole(config), config.memo.garuda
    for kind, code in (("reminder", args.district), ("summary", None)):
        memo, notes = preview(config, report, as_of, kind, code)
        if memo is None:
            print("\n".join(notes))
            continue
        stem = out / (f"{kind}-{code}" if code else kind)
        started = time.perf_counter()
        pdf = render_pdf(print_html(memo, garuda), words)
        seconds = time.perf_counter() - started
        stem.with_suffix(".pdf").write_bytes(pdf)
        stem.with_suffix(".docx").write_bytes(render_docx(memo.html, garuda))
        html = render_html(memo.kind, memo.context, font_base(), garuda)
        stem.with_suffix(".html").write_text(html, encoding="utf-8")
        pngs = page_pngs(pdf, stem)
        print(f"{stem.with_suffix('.pdf')}: {len(pdf) / 1024:.0f} KiB, {len(pngs)} pages, rendered in {seconds:.2f} s")
        print(f"{stem.with_suffix('.docx')}: the editable Word file")
        word = libreoffice_pdf(stem.with_suffix(".docx"))
        if word is None:
            print("  (LibreOffice Writer is not installed: no PNG of the .docx)")
        else:
            shown = page_pngs(word, stem.with_name(f"{stem.name}-docx"))
            print(f"  the .docx as LibreOffice shows it: {', '.join(p.name for p in shown)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
