"""The exit codes of every kgbuild command, in one place (the README lists the same table).

A scheduler acts on them: 3 and 4 mean "look at the rejects", 75 "try again later",
130/143 "someone stopped it"; the graph is as the last completed write left it in each case.
"""

SUCCEEDED = 0
FAILED = 1  # a store error, a refused prune, an internal error: nothing more was written
USAGE = 2  # a bad option, a missing input path, a bad configuration or query parameter
SUCCEEDED_WITH_REJECTS = 3  # some records were set aside, the rest loaded
NOTHING_LOADED = 4  # the inputs held no usable record: every one was rejected, or there were none
UNAVAILABLE = 69  # EX_UNAVAILABLE: the Dask scheduler of extract --executor dask cannot be used
BUSY = 75  # EX_TEMPFAIL: another writer holds the store or the rebuild target
SIGNAL_BASE = 128  # stopped by a signal: 130 for SIGINT (Ctrl-C), 143 for SIGTERM, 141 for a closed pipe

OUTCOMES = {"succeeded": SUCCEEDED, "succeeded with rejects": SUCCEEDED_WITH_REJECTS,
            "loaded nothing": NOTHING_LOADED}


def outcome(papers: int, rejected: int) -> str:
    """What a run that read ``papers`` usable papers and set ``rejected`` records aside amounts to."""
    if papers == 0:
        return "loaded nothing"
    return "succeeded with rejects" if rejected else "succeeded"
