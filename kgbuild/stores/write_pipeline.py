"""Write statements sent ahead of their replies.

Loading is a conversation on one connection: kgbuild builds a statement's parameter text,
the server runs it, kgbuild builds the next. Sending the next statement before the reply to
the last one has come lets the two work at the same time instead of taking turns. The server
still runs the statements one after the other, in the order they were sent.
"""

from __future__ import annotations

import redis
from redis.connection import UnixDomainSocketConnection

# Statements sent and not yet answered. Two keep the server busy while the next is built;
# more would only let more statements run after one that failed.
DEFAULT_WINDOW = 2


class PipelinedWriter:
    """``GRAPH.QUERY`` write statements on a connection of their own, answered in order.

    A statement's error is raised by the ``send`` or ``drain`` that receives its reply,
    after the replies still outstanding have been read, so the connection stays usable.
    """

    def __init__(self, socket_path: str, window: int = DEFAULT_WINDOW) -> None:
        self._connection = UnixDomainSocketConnection(path=socket_path, socket_timeout=None)
        self._window = window
        self._in_flight = 0
        self._error: redis.exceptions.ResponseError | None = None

    def send(self, graph: str, query: str) -> None:
        while self._in_flight >= self._window:
            self._receive_one()
        if self._error is not None:
            self.drain()
        try:
            self._connection.send_command("GRAPH.QUERY", graph, query, "--compact")
        except redis.exceptions.ConnectionError:
            self._in_flight = 0
            raise
        self._in_flight += 1

    def drain(self) -> None:
        """Wait until every statement sent has run; raise the first error among them."""
        while self._in_flight:
            self._receive_one()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def discard(self) -> None:
        """Wait for the statements sent, forgetting their errors (the caller is failing already,
        maybe because a signal cut a reply short, which leaves the connection unusable)."""
        try:
            self.drain()
        except (redis.exceptions.RedisError, OSError, AttributeError):
            self._in_flight = 0

    def close(self) -> None:
        self._in_flight = 0
        self._connection.disconnect()

    def _receive_one(self) -> None:
        try:
            reply = self._connection.read_response()
        except redis.exceptions.ResponseError as exc:
            self._in_flight -= 1
            self._error = self._error or exc
            return
        except BaseException:
            # A lost connection, or a signal in the middle of a reply: the replies still
            # outstanding can no longer be read on this connection.
            self._in_flight = 0
            self._connection.disconnect()
            raise
        self._in_flight -= 1
        # A statement that fails while running answers with its error as the last element.
        if isinstance(reply, list) and reply and isinstance(reply[-1], redis.exceptions.ResponseError):
            self._error = self._error or reply[-1]
