"""The query packs, schema and Neo4j Browser assets; installed as the data package ``kgbuild.cypher``.

This directory is their one source. pyproject.toml maps it into the wheel (and editable installs)
so that kgbuild reads it through importlib.resources wherever it is installed.
"""
