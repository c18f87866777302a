"""Memo PDFs rendered by worker processes (a small pool, `email.pdf_workers`, default 2).

The run's own process then never loads weasyprint, and a large memo does not grow it: laying out
the provincial summary of 878 districts takes weasyprint some 300 MiB, which a worker gives back
when the pool closes. Workers are started fresh (spawn), so they do not carry a copy of the run's
data either. Each document's PDF, or the exception that kept it from being made, comes back in
the order given.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

_words: frozenset[str] = frozenset()


def _start(words: frozenset[str]) -> None:
    global _words
    _words = words
    from sync.outputs import pdf

    pdf._weasyprint()  # loaded once per worker, before the first memo


def _render(document: str) -> bytes:
    from sync.outputs.pdf import render_pdf

    return render_pdf(document, _words)


def render_all(documents: Iterable[str], words: frozenset[str], workers: int = 2) -> Iterator[bytes | Exception]:
    """The PDF of each HTML document (or the exception raised making it), in order."""
    documents = list(documents)
    if not documents:
        return
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(workers, len(documents)))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(words,)) as pool:
        futures = [pool.submit(_render, document) for document in documents]
        for future in futures:
            try:
                yield future.result()
            except Exception as exc:  # one memo's failure is that memo's, reported by the caller
                yield exc
