"""kgbuild serve: a read-only web explorer of the graph (Starlette, Jinja2, uvicorn).

``app.create_app(target)`` is the ASGI application; ``server.serve`` runs it.
"""
