#!/usr/bin/env bash
# Index-update throughput of two or more checkouts, measured alternately in one sitting.
#
#   benchmarks/compare_servers.sh [--runs N] SIDE SIDE... [-- BENCHMARK ARGS]
#
# A SIDE is a checkout's folder, optionally with arguments for it alone after a colon:
#   git worktree add /tmp/fame-old c236740          # the code before gunicorn
#   benchmarks/compare_servers.sh --runs 3 /tmp/fame-old . ".:--hub-threads 1"
# Every side runs benchmarks/federation.py (default arguments: --children 20000
# --throughput-only) with this checkout's .venv and PYTHONPATH set to its own
# folder; the order of the sides is reversed every other round, so neither
# always follows the other. Prints one JSON line a run: the round, the side,
# `uptime` before it, this checkout's machine reference figure
# (benchmarks/_machine.py) and the benchmark's own JSON.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
python="$here/.venv/bin/python"
runs=3
if [[ "${1:-}" == "--runs" ]]; then
    runs=$2
    shift 2
fi
sides=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
    sides+=("$1")
    shift
done
[[ "${1:-}" == "--" ]] && shift
bench_args=("$@")
[[ ${#bench_args[@]} -eq 0 ]] && bench_args=(--children 20000 --throughput-only)
if [[ ${#sides[@]} -lt 2 ]]; then
    echo "usage: $0 [--runs N] SIDE SIDE... [-- BENCHMARK ARGS]" >&2
    exit 2
fi

for round in $(seq 1 "$runs"); do
    order=("${sides[@]}")
    if ((round % 2 == 0)); then # reversed every other round
        order=()
        for ((i = ${#sides[@]} - 1; i >= 0; i--)); do order+=("${sides[$i]}"); done
    fi
    for side in "${order[@]}"; do
        folder=$(cd "${side%%:*}" && pwd)
        extra=()
        [[ "$side" == *:* ]] && read -r -a extra <<<"${side#*:}"
        load=$(uptime)
        machine=$("$python" "$here/benchmarks/_machine.py")
        result=$(cd "$folder" && PYTHONPATH="$folder" "$python" benchmarks/federation.py \
            "${bench_args[@]}" "${extra[@]}")
        printf '{"round": %d, "side": "%s", "uptime": "%s", "machine": %s, "result": %s}\n' \
            "$round" "$side" "$(echo "$load" | sed 's/^ *//')" "$machine" "$result"
    done
done
