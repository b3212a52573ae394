"""The bundled sample and example configurations; installed as the data package ``kgbuild.examples``.

This directory is their one source. pyproject.toml maps it into the wheel (and editable installs)
so that ``kgbuild build --sample`` and ``kgbuild rebuild --init`` work from any install.
"""
