"""One exception root. Only the CLI turns these into messages; each says what to do next."""


class KgbuildError(Exception):
    """Base of every error kgbuild raises on purpose.

    ``hint`` is the next step for the user; the CLI prints it after the message.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class InputError(KgbuildError):
    """The user's input (paths, options, parameters) cannot be used as given."""

    exit_code = 2


class StoreError(KgbuildError):
    """The graph store cannot be reached, started or written."""


class StoreBusyError(StoreError):
    """Another kgbuild process holds the store."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class QueryError(KgbuildError):
    """A named query is unknown, misses a parameter, or failed in the store."""

    exit_code = 2


class RebuildLockedError(KgbuildError):
    """Another rebuild of the same target is running."""

    exit_code = 75  # EX_TEMPFAIL, as for a busy store: a scheduler may simply try again later
