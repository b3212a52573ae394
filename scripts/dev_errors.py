"""Show false positives / missed gold items per paper: python scripts/dev_errors.py OUT.jsonl [TYPE...]."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

# The evaluation data folder: ../shared beside the checkout, or KGBUILD_SHARED.
SHARED = Path(os.environ.get("KGBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))

spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)


def main(argv):
    out = argv[0] if argv else str(Path(tempfile.gettempdir()) / "kgbuild_dev_out.jsonl")
    types = argv[1:] or list(score.TYPES)
    gold = [json.loads(line) for line in open(SHARED / "eval" / "dev.jsonl")]
    preds = {score.norm(json.loads(line)["paper"]["title"]): json.loads(line) for line in open(out)}
    for g in gold:
        p = preds[score.norm(g["title"])]
        lines = []
        for typ in types:
            if typ in ("EVAL", "RESULT"):
                continue
            golds = g.get(score.TYPES[typ], [])
            gnames = [(score.names_of(x, typ), x) for x in golds]
            pents = [e for e in p["entities"] if e["type"] == typ]
            for e in pents:
                pn = score.names_of(e, typ)
                hit = next((x for n, x in gnames if n & pn), None)
                if hit is None:
                    lines.append(f"  FP {typ}: {e['name']!r} {sorted({m['text'] for m in e['mentions']})}")
                elif typ == "Method" and not hit.get("optional"):
                    if bool(e.get("proposed")) != bool(hit.get("proposed")):
                        lines.append(f"  proposed? {e['name']!r} pred={e.get('proposed')} gold={hit.get('proposed')}")
                    if ("backbone" in e.get("roles", [])) != ("backbone" in hit.get("roles", [])):
                        lines.append(f"  backbone? {e['name']!r} pred={e.get('roles')} gold={hit.get('roles')}")
            for n, x in gnames:
                if x.get("optional"):
                    continue
                if not any(n & score.names_of(e, typ) for e in pents):
                    lines.append(f"  FN {typ}: {x.get('name') or x.get('url')!r} {x.get('aliases', '')}")
        if "EVAL" in types:
            lines.append(f"  gold EVAL {[(r['method'], r['dataset']) for r in g['evaluated_on']]}")
            lines.append(f"  pred EVAL {[(r['source']['name'], r['target']['name']) for r in p['relations']]}")
        if "RESULT" in types:
            for r in g["results"]:
                lines.append(f"  gold RES {r}")
            for r in p["results"]:
                lines.append(f"  pred RES {(r['method'] or {}).get('name')} {(r['dataset'] or {}).get('name')} "
                             f"{r['split']} {r['metric']['name']} {r['value']} {r['unit']}")
        if lines:
            print(g["gid"], g["title"][:90])
            print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
