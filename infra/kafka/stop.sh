#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM the pid from the pid file, wait
# up to $KAFKA_STOP_TIMEOUT (30) seconds, then SIGKILL. Fine if not running.
#   stop.sh [--clean]   --clean also deletes the state dir (data, logs, config)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

clean=0
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    -h|--help) sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) kafka_log "stop.sh: unknown argument $arg"; exit 2 ;;
  esac
done

if pid="$(kafka_running_pid)"; then
  # Only signal it if it really is a Kafka broker (the pid may have been reused).
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    t0=$SECONDS
    kill -TERM "$pid" 2>/dev/null || true
    limit="${KAFKA_STOP_TIMEOUT:-30}"
    while kill -0 "$pid" 2>/dev/null && ((SECONDS - t0 < limit)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      kafka_log "broker pid $pid still alive after ${limit}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    kafka_log "stopped broker pid $pid ($((SECONDS - t0))s)"
  else
    kafka_log "pid $pid in $KAFKA_PID_FILE is not a Kafka broker; not signalling it"
  fi
else
  kafka_log "broker not running (no live pid in $KAFKA_PID_FILE)"
fi
rm -f "$KAFKA_PID_FILE"

if ((clean)); then
  rm -rf "$TTHC_KAFKA_STATE"
  kafka_log "removed state dir $TTHC_KAFKA_STATE"
fi
