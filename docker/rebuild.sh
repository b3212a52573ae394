#!/bin/sh
# Scheduled rebuilds for docker/compose.yml's `rebuild` service: run REBUILD_COMMAND, sleep
# INTERVAL seconds, repeat. Each run is incremental: unchanged papers are skipped, changed
# ones replace their own facts, and a run cut off half-way is completed by the next one.
#
# Exit codes of kgbuild rebuild (the README's table): 0 succeeded, 3 succeeded with rejects,
# 4 loaded nothing (every record rejected, or no records), 75 another rebuild was still
# running, 2 a mistake in the configuration or a source path, 1 failed (a refused prune
# among others); in every case but 0 and 3 the previous graph is kept.
set -u

: "${INTERVAL:=3600}"
: "${REBUILD_COMMAND:=kgbuild rebuild --config /app/docker/kgbuild.toml --quiet}"

echo "rebuild: every ${INTERVAL}s: ${REBUILD_COMMAND}"
while true; do
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    sh -c "${REBUILD_COMMAND}"
    code=$?
    case "${code}" in
        0) echo "rebuild: ${started} done" ;;
        3) echo "rebuild: ${started} done; some records were set aside (/data/state/rejects.jsonl)" ;;
        4) echo "rebuild: ${started} loaded nothing: every record was rejected (/data/state/rejects.jsonl)" >&2 ;;
        75) echo "rebuild: ${started} skipped: another rebuild is still running" ;;
        *) echo "rebuild: ${started} failed (exit ${code}); the previous graph is kept; next try in ${INTERVAL}s" >&2 ;;
    esac
    sleep "${INTERVAL}"
done
