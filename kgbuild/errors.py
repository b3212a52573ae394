"""One exception root. Only the CLI turns these into messages; each says what to do next."""

import signal

from kgbuild import exit_codes


class KgbuildError(Exception):
    """Base of every error kgbuild raises on purpose.

    ``hint`` is the next step for the user; the CLI prints it after the message.
    """

    exit_code = exit_codes.FAILED

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class InputError(KgbuildError):
    """The user's input (paths, options, parameters) cannot be used as given."""

    exit_code = exit_codes.USAGE


class StoreError(KgbuildError):
    """The graph store cannot be reached, started or written."""


class StoreBusyError(StoreError):
    """Another kgbuild process holds the store."""

    exit_code = exit_codes.BUSY


class QueryTimeout(StoreError):
    """A read query ran past the time it was given and was stopped by the store."""


class QueryError(KgbuildError):
    """A named query is unknown, misses a parameter, or failed in the store."""

    exit_code = exit_codes.USAGE


class RebuildLockedError(KgbuildError):
    """Another rebuild of the same target is running."""

    exit_code = exit_codes.BUSY  # as for a busy store: a scheduler may simply try again later


class PruneRefusedError(KgbuildError):
    """A pruning run would remove papers that may not have left the sources."""


class Interrupted(KgbuildError):
    """SIGINT or SIGTERM arrived: the run stops where it is and cleans up on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}",
                         hint="the graph keeps every batch completed before the stop (a rebuild keeps the "
                              "previous graph); run the same command again to finish")
        self.exit_code = exit_codes.SIGNAL_BASE + signum
