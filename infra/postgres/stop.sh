#!/usr/bin/env bash
# Stop the PostgreSQL cluster only if infra/postgres/ensure.sh started it
# (marker ${TMPDIR:-/tmp}/tthc-pg-started-by-us); otherwise leave it alone.
set -euo pipefail
MARKER="${TMPDIR:-/tmp}/tthc-pg-started-by-us"
say() { echo "postgres: $*" >&2; }
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

if [[ ! -f "$MARKER" ]]; then
  say "not started by ensure.sh (no $MARKER); leaving it running"
  exit 0
fi
read -r ver cluster <"$MARKER" || true
[[ -n "${ver:-}" && -n "${cluster:-}" ]] || { say "ERROR: bad marker $MARKER"; exit 1; }
if pg_lsclusters -h 2>/dev/null | awk -v v="$ver" -v c="$cluster" '$1 == v && $2 == c && $4 == "online" {f=1} END {exit !f}'; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" stop -m fast
  say "stopped cluster $ver/$cluster"
else
  say "cluster $ver/$cluster is not running"
fi
rm -f "$MARKER"
