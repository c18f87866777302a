"""A memo's attachments (the PDF, the .docx) made by worker processes (a small pool,
`email.pdf_workers`, default 2).

The run's own process then never loads weasyprint, and a large memo does not grow it: laying out
the provincial summary of 878 districts takes weasyprint some 300 MiB, and python-docx some 50,
which a worker gives back when the pool closes. Workers are forked by a fork server, not by the
run, so they carry no copy of the run's data either. The attachments of each memo, or the exception that kept them
from being made, come back in the order the memos were given. A worker ends by itself when the
run is killed. Like every multiprocessing program, a script that makes memos guards its main code
with `if __name__ == "__main__":` (cli.py does): each worker imports the run's main module.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Job:
    """What to make for one memo: the PDF of `print_html`, the .docx of `html` (None: not wanted)."""

    print_html: str | None
    html: str | None
    garuda: Path | None = None


def _start(words: frozenset[str], alive) -> None:
    global _words
    _words = words
    threading.Thread(target=_leave_with, args=(alive,), daemon=True).start()


def _leave_with(alive) -> None:
    """End this worker once the run that started it is gone. `alive` is the reading end of a pipe
    only the run writes to: the kernel closes it when the run dies, however it dies. (A killed run
    shuts no pool down: its workers would wait for work forever, and keep the fork server alive.)"""
    try:
        alive.recv()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _context():
    """Workers forked by a fork server that loaded weasyprint and the dictionary once (warm.py):
    a worker starts in milliseconds instead of some 3 s of CPU. The fork server is a process of
    its own, started with the first pool and kept for the life of the run (or of `serve`)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sync.outputs.warm"])
    return context


def make(job: Job) -> tuple[bytes | None, bytes | None]:
    """(PDF, .docx) of one memo; in a worker, or in the calling process."""
    pdf = docx = None
    if job.print_html is not None:
        from sync.outputs.pdf import render_pdf

        pdf = render_pdf(job.print_html, _words)
    if job.html is not None:
        from sync.outputs.docx import render_docx

        docx = render_docx(job.html, job.garuda)
    return pdf, docx


def make_all(jobs: Iterable[Job], words: frozenset[str], workers: int = 2) -> Iterator[tuple | Exception]:
    """The (PDF, .docx) of each job, or the exception raised making them, in order."""
    jobs = list(jobs)
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    context = _context()
    alive, run_lives = context.Pipe(duplex=False)
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(words, alive)) as pool:
            futures = [pool.submit(make, job) for job in jobs]
            for future in futures:
                try:
                    yield future.result()
                except Exception as exc:  # one memo's failure is that memo's, reported by the caller
                    yield exc
    finally:
        run_lives.close()
        alive.close()
