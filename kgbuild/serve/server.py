"""Run the site with uvicorn, on loopback unless told otherwise."""

from __future__ import annotations

import ipaddress

from kgbuild.errors import InputError, Interrupted
from kgbuild.stores import StoreConfig, open_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def exposure_warning(host: str) -> str | None:
    """What to tell the user when ``host`` lets other machines reach the site, else None."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any interface
    return (f"serving on {host}: anyone who can reach this machine on that address can read the whole "
            "graph (the site has no login); use the default 127.0.0.1 unless that is what you want")


def serve(target: StoreConfig, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = 10.0,
          announce=print) -> None:
    """Serve the site until stopped (Ctrl-C or SIGTERM)."""
    try:
        import uvicorn
    except ImportError as exc:  # installed without its dependencies (pip --no-deps)
        raise InputError("kgbuild serve needs uvicorn, starlette and jinja2",
                         hint='install kgbuild with its dependencies: pip install "kgbuild"') from exc
    from kgbuild.serve.app import create_app

    # Opened here rather than in the app's startup, so that a store that cannot be opened is
    # one clear error before anything listens.
    with open_store(target, read_only=True) as store:
        app = create_app(store=store, timeout=timeout)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                lifespan="on", server_header=False)
        server = uvicorn.Server(config)
        announce(f"serving {target.describe()} at http://{host}:{port}/ (read-only; Ctrl-C stops it)")
        try:
            server.run()
        except Interrupted:
            return  # uvicorn has shut down cleanly and passes the signal on: stopping is the way out
    if not server.started:
        raise InputError(f"could not serve on {host}:{port}",
                         hint="the port may be taken or the store unreadable (see the message above); "
                              "pick another with --port")
