"""Render what people read the way they open it, as PNGs to look at: one district's status tab and the
provincial summary through LibreOffice (as printed: PDF, then pdftoppm), a district reminder memo
(its PDF attachment, and its HTML e-mail body through Chromium).

    python demo/render.py [--config config/demo.yaml] [--district 5706] [--as-of 2025-01-21] [--out DIR]

`make render` runs it after `make demo`. Needs LibreOffice (soffice), Chromium and pdftoppm
(`apt-get install libreoffice-calc-nogui chromium poppler-utils fonts-thai-tlwg`). The district
workbook is not changed: a copy with every other sheet hidden is printed (LibreOffice prints only
visible sheets).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.backends.xlsx import XlsxBackend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.dates import parse_as_of  # noqa: E402
from sync.delivery.preview import preview  # noqa: E402
from sync.outputs.memos import keep_whole, render_html  # noqa: E402
from sync.outputs.pdf import font_base, render_pdf  # noqa: E402
from sync.pipeline import check_all, select_districts  # noqa: E402
from sync.schema import STATUS  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PROGRAMS = ("soffice", "pdftoppm", "chromium")
DPI = "70"


def only_sheet(source: Path, target: Path, title: str) -> None:
    """A copy of the workbook `source` in which every sheet but `title` is hidden and `title` is active."""
    ElementTree.register_namespace("", MAIN)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/workbook.xml":
                root = ElementTree.fromstring(data)
                sheets = root.findall(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
                index = [s.get("name") for s in sheets].index(title)
                for i, sheet in enumerate(sheets):
                    if i != index:
                        sheet.set("state", "hidden")
                for view in root.iter(f"{{{MAIN}}}workbookView"):
                    view.set("activeTab", str(index))
                    view.set("firstSheet", str(index))
                data = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
            new.writestr(item, data)


def soffice_pdf(source: Path, folder: Path) -> Path:
    """`source` printed to PDF by LibreOffice headless (a private profile: runs never share one)."""
    profile = (folder / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=300)
    return folder / (source.stem + ".pdf")


def pngs(pdf: Path, out: Path, stem: str) -> list[Path]:
    """Every page of `pdf` as `stem-N.png` in `out`."""
    for old in out.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", DPI, str(pdf), str(out / stem)], check=True, timeout=300)
    return sorted(out.glob(f"{stem}-*.png"))


def chromium_pdf(html: Path, pdf: Path) -> None:
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    subprocess.run([*command, f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=300)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(REPO / "config" / "demo.yaml"))
    parser.add_argument("--district", default="5706")
    parser.add_argument("--as-of", default="2025-01-21")
    parser.add_argument("--out", default=str(REPO / "demo" / "output" / "render"))
    args = parser.parse_args(argv)
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        print(f"render: {', '.join(missing)} not found; install them with\n"
              "  apt-get install libreoffice-calc-nogui chromium poppler-utils fonts-thai-tlwg", file=sys.stderr)
        return 2
    config = load_config(args.config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        work = Path(tmp)
        district = config.district(args.district)
        workbook = XlsxBackend(config).locate(district)
        status = work / f"status-{district.code}.xlsx"
        only_sheet(workbook, status, STATUS)
        made += pngs(soffice_pdf(status, work), out, f"status-{district.code}")

        summary = work / "summary.xlsx"
        shutil.copyfile(config.outputs.summary, summary)
        made += pngs(soffice_pdf(summary, work), out, "summary")

        as_of = parse_as_of(args.as_of)
        report = check_all(config, as_of, select_districts(config, [district.code]), XlsxBackend(config))
        memo, notes = preview(config, report, as_of, "reminder", district.code)
        if memo is None:
            print("\n".join(notes), file=sys.stderr)
        else:
            pdf = work / "memo.pdf"
            pdf.write_bytes(render_pdf(memo.html, keep_whole(config)))
            made += pngs(pdf, out, f"memo-{district.code}")
            html = work / "memo.html"
            html.write_text(render_html(memo.kind, memo.context, font_base()), encoding="utf-8")
            chromium_pdf(html, work / "memo-html.pdf")
            made += pngs(work / "memo-html.pdf", out, f"memo-{district.code}-html")
    for path in made:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
