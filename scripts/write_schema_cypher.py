"""Write cypher/schema.cypher from kgbuild.stores.dialect.neo4j_schema().

The file is for people who apply the schema by hand (cypher-shell -f, Neo4j Browser);
kgbuild itself runs the same statements on `kgbuild schema` and on every load.
tests/test_cypher_lint.py fails while the file and the function disagree.

    python scripts/write_schema_cypher.py           # rewrite the file
    python scripts/write_schema_cypher.py --check   # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kgbuild.stores.dialect import neo4j_schema_script

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "cypher" / "schema.cypher"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only tell whether the file is up to date")
    args = parser.parse_args(argv)
    text = neo4j_schema_script()
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else None
    if args.check:
        if current != text:
            print(f"{SCHEMA_FILE} is stale: run python scripts/write_schema_cypher.py", file=sys.stderr)
            return 1
        print(f"{SCHEMA_FILE} is up to date")
        return 0
    if current == text:
        print(f"{SCHEMA_FILE} already up to date")
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
