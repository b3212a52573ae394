#!/usr/bin/env python3
"""Build kgbuild's spaCy EntityRuler lexicons (kgbuild/data/lexicons) from ../shared.

    python scripts/build_lexicons.py --shared ../shared [--out DIR] [--quiet]

Needs kgbuild importable (pip install -e .): the keys are kgbuild.names.identity_key's. The
builder itself is the package scripts/lexicons/ (see its __init__ and driver for what it reads
and writes); this file only runs it.
"""

from __future__ import annotations

import sys

from lexicons.driver import main

if __name__ == "__main__":
    sys.exit(main())
