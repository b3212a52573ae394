"""Streaming, order-keeping extraction, optionally over a process pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from typing import TypeVar

from kgbuild.models import Extraction, Paper

CHUNK_SIZE = 256
LOOK_AHEAD_CHUNKS = 8
_worker_extractor = None
R = TypeVar("R")


def _get_extractor():
    global _worker_extractor
    if _worker_extractor is None:
        from kgbuild.extract.pipeline import Extractor

        _worker_extractor = Extractor(freeze_heap=True)  # the process's only one
    return _worker_extractor


Stage = Callable[[list[Extraction]], R]


def _extract_chunk(papers: list[Paper], then: Stage[R]) -> R:
    return then(list(_get_extractor().run(papers)))


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while chunk := list(islice(iterator, size)):
        yield chunk


def extract_chunks(papers: Iterable[Paper], then: Stage[R], workers: int = 1,
                   chunk_size: int = CHUNK_SIZE) -> Iterator[R]:
    """``then(records)`` for each chunk of ``papers``, in input order, streamed.

    ``then`` (a picklable function over a chunk's extraction records) runs where the chunk
    was extracted, so with several workers the stages after extraction are spread over them
    too, and what comes back is whatever ``then`` makes of the records: graph rows or JSON
    lines pickle several times faster than the pydantic records themselves, which is what
    keeps this process from becoming the bottleneck of the pool. The pipeline is only built
    once there is a paper to extract: a rebuild where nothing changed must not pay for
    loading the lexicons.
    """
    iterator = iter(papers)
    first = next(iterator, None)
    if first is None:
        return
    chunks = _chunks(chain([first], iterator), chunk_size)
    if workers <= 1:
        for chunk in chunks:
            yield _extract_chunk(chunk, then)
        return
    pool = ProcessPoolExecutor(max_workers=workers)
    finished = False
    try:
        pending = []
        for chunk in chunks:
            pending.append(pool.submit(_extract_chunk, chunk, then))
            # Bounded look-ahead keeps memory flat on huge inputs; it is deep enough that the
            # workers keep extracting while the caller spends a while writing a batch.
            while len(pending) > LOOK_AHEAD_CHUNKS * workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
        finished = True
    finally:
        # A caller that stops early (an error, Ctrl-C, a closed generator) must not wait
        # for the look-ahead chunks to be extracted for nothing.
        pool.shutdown(wait=True, cancel_futures=not finished)


def extract(papers: Iterable[Paper], workers: int = 1,
            then: Stage[list[Extraction]] | None = None) -> Iterator[Extraction]:
    """Extraction records for ``papers``, in the same order, streamed; ``then`` as in
    :func:`extract_chunks`, over records and giving records."""
    for records in extract_chunks(papers, then or list, workers):
        yield from records
