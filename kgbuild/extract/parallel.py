"""Streaming, order-keeping extraction, optionally over a process pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice

from kgbuild.models import Extraction, Paper

CHUNK_SIZE = 256
LOOK_AHEAD_CHUNKS = 8
_worker_extractor = None


def _get_extractor():
    global _worker_extractor
    if _worker_extractor is None:
        from kgbuild.extract.pipeline import Extractor

        _worker_extractor = Extractor()
    return _worker_extractor


Stage = Callable[[list[Extraction]], list[Extraction]]


def _extract_chunk(papers: list[Paper], then: Stage | None = None) -> list[Extraction]:
    extractions = list(_get_extractor().run(papers))
    return then(extractions) if then is not None else extractions


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while chunk := list(islice(iterator, size)):
        yield chunk


def extract(papers: Iterable[Paper], workers: int = 1, then: Stage | None = None) -> Iterator[Extraction]:
    """Extraction records for ``papers``, in the same order, streamed.

    ``then`` (a picklable function over a list of records, such as
    ``kgbuild.resolve.resolve_batch``) runs on each chunk where it was extracted, so with
    several workers the next stage is spread over them too instead of queueing in this process.
    The pipeline is only built once there is a paper to extract: a rebuild where nothing
    changed must not pay for loading the lexicons.
    """
    iterator = iter(papers)
    first = next(iterator, None)
    if first is None:
        return
    papers = chain([first], iterator)
    if workers <= 1:
        for chunk in _chunks(papers, CHUNK_SIZE):
            yield from _extract_chunk(chunk, then)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = []
        for chunk in _chunks(papers, CHUNK_SIZE):
            pending.append(pool.submit(_extract_chunk, chunk, then))
            # Bounded look-ahead keeps memory flat on huge inputs; it is deep enough that the
            # workers keep extracting while the caller spends a while writing a batch.
            while len(pending) > LOOK_AHEAD_CHUNKS * workers:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
