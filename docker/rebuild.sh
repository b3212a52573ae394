#!/bin/sh
# Scheduled rebuilds for docker/compose.yml's `rebuild` service: run REBUILD_COMMAND, sleep
# INTERVAL seconds, repeat. Each run is incremental: unchanged papers are skipped, changed
# ones replace their own facts, and a run cut off half-way is completed by the next one.
#
# To move to `kgbuild rebuild --config`, change only REBUILD_COMMAND in compose.yml, e.g.
#   REBUILD_COMMAND: kgbuild rebuild --config /data/kgbuild.toml
set -u

: "${INTERVAL:=3600}"
: "${REBUILD_COMMAND:=kgbuild build /data/inputs --quiet --rejects /data/state/rejects.jsonl}"

echo "rebuild: every ${INTERVAL}s: ${REBUILD_COMMAND}"
while true; do
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    if sh -c "${REBUILD_COMMAND}"; then
        echo "rebuild: ${started} done"
    else
        echo "rebuild: ${started} failed (exit $?); next try in ${INTERVAL}s" >&2
    fi
    sleep "${INTERVAL}"
done
