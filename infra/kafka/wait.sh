#!/usr/bin/env bash
# Wait until a Kafka broker answers a real request on 127.0.0.1:$KAFKA_PORT.
# The probe is kafka.admin.BrokerApiVersionsCommand from the broker's own jars:
# it sends a Metadata request, then ApiVersions to every broker it returns
# (a JVM run of ~1s, started only once the port accepts TCP connections).
#
#   wait.sh [--timeout SECONDS] [--once] [--quiet]
#     --timeout N  give up after N seconds (default $KAFKA_WAIT_TIMEOUT or 90)
#     --once       a single probe, no waiting (exit 0 if a broker answers)
#     --quiet      no status lines (errors are still printed)
# If the pid file of start.sh names a process that has died, it fails at once.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

timeout_s="${KAFKA_WAIT_TIMEOUT:-90}"
once=0
quiet=0
while (($#)); do
  case "$1" in
    --timeout) timeout_s="$2"; shift 2 ;;
    --timeout=*) timeout_s="${1#*=}"; shift ;;
    --once) once=1; shift ;;
    --quiet|-q) quiet=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) kafka_log "wait.sh: unknown argument $1"; exit 2 ;;
  esac
done

if [[ ! -f "$KAFKA_LIBS_MARKER" ]]; then
  "$KAFKA_INFRA_DIR/fetch.sh" >/dev/null
fi

kafka_write_tool_configs
probe_log="$TTHC_KAFKA_STATE/logs/probe.log"

# Cheap pre-check (bash's /dev/tcp): nothing listening means no broker, and
# no JVM probe is started to compete with a starting broker for the CPU.
probe() {
  kafka_port_open "$KAFKA_PORT" || return 1
  timeout 20 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J" -cp "$(kafka_classpath)" \
    kafka.admin.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$KAFKA_PROBE_CONFIG" \
    >"$probe_log" 2>&1 && grep -q "$KAFKA_BOOTSTRAP" "$probe_log"
}

show_log_tail() {
  if [[ -f "$KAFKA_LOG_FILE" ]]; then
    if grep -qE '^\[[^]]*\] (ERROR|FATAL) ' "$KAFKA_LOG_FILE"; then
      kafka_log "ERROR/FATAL lines of $KAFKA_LOG_FILE:"
      grep -E '^\[[^]]*\] (ERROR|FATAL) ' "$KAFKA_LOG_FILE" | tail -n 8 | cut -c1-400 | sed 's/^/  | /' >&2
    fi
    kafka_log "last lines of $KAFKA_LOG_FILE:"
    tail -n 20 "$KAFKA_LOG_FILE" | cut -c1-400 | sed 's/^/  | /' >&2
  fi
  if [[ -s "$TTHC_KAFKA_STATE/logs/stdout.log" ]]; then
    kafka_log "last lines of $TTHC_KAFKA_STATE/logs/stdout.log:"
    tail -n 10 "$TTHC_KAFKA_STATE/logs/stdout.log" | sed 's/^/  | /' >&2
  fi
}

if ((once)); then
  probe
  exit
fi

# A pid file that exists at the start names the broker being waited for.
watch_pid=""
if [[ -f "$KAFKA_PID_FILE" ]]; then
  watch_pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
fi

start=$SECONDS
((quiet)) || kafka_log "waiting for a broker on $KAFKA_BOOTSTRAP (timeout ${timeout_s}s)"
while :; do
  if probe; then
    ((quiet)) || kafka_log "broker on $KAFKA_BOOTSTRAP answers ($((SECONDS - start))s)"
    exit 0
  fi
  if [[ "$watch_pid" =~ ^[0-9]+$ ]] && ! kill -0 "$watch_pid" 2>/dev/null; then
    kafka_log "ERROR: broker process $watch_pid exited before answering on $KAFKA_BOOTSTRAP"
    show_log_tail
    exit 1
  fi
  if ((SECONDS - start >= timeout_s)); then
    kafka_log "ERROR: no broker answered on $KAFKA_BOOTSTRAP within ${timeout_s}s (last probe: $probe_log)"
    show_log_tail
    exit 1
  fi
  sleep 0.5
done
