# shellcheck shell=bash disable=SC2034
# Shared settings for infra/kafka/*.sh. Sourced, not executed.
# Every value can be overridden from the environment (see infra/README.md).

KAFKA_INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TTHC_KAFKA_HOME="${TTHC_KAFKA_HOME:-${HOME:-/tmp}/.cache/tthc-kafka}"

# Kafka version: the <kafka.version> of pom.xml unless KAFKA_VERSION is set.
if [[ -z "${KAFKA_VERSION:-}" ]]; then
  KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_INFRA_DIR/pom.xml" | head -n1)"
fi
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka: cannot read <kafka.version> from $KAFKA_INFRA_DIR/pom.xml" >&2; exit 1; }

TTHC_KAFKA_LIBS="${TTHC_KAFKA_LIBS:-$TTHC_KAFKA_HOME/libs-$KAFKA_VERSION}"
TTHC_KAFKA_STATE="${TTHC_KAFKA_STATE:-$TTHC_KAFKA_HOME/run}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
# A second client listener, SASL_SSL (SCRAM-SHA-512 and PLAIN over TLS), as a province's cluster would
# require; KAFKA_SECURE_PORT=off leaves it out. Its certificates and the client settings to reach it
# (a `--kafka-config` file for tthc) live in $KAFKA_SECURE_DIR, made once by secure.sh.
KAFKA_SECURE_PORT="${KAFKA_SECURE_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SECURE_DIR="$TTHC_KAFKA_STATE/secure"
KAFKA_SECURE_CONFIG="$KAFKA_SECURE_DIR/client.json"
KAFKA_PID_FILE="$TTHC_KAFKA_STATE/kafka.pid"
KAFKA_LOG_FILE="$TTHC_KAFKA_STATE/logs/server.log"
JAVA="${JAVA:-java}"

# Marker written by fetch.sh once every jar has been copied.
KAFKA_LIBS_MARKER="$TTHC_KAFKA_LIBS/.fetched-ok"

kafka_log() { echo "kafka: $*" >&2; }

# True if something accepts TCP connections on 127.0.0.1:PORT (bash /dev/tcp).
kafka_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/${1:-$KAFKA_PORT}") 2>/dev/null
}

kafka_classpath() { echo "$TTHC_KAFKA_LIBS/*"; }

# Pid from the pid file if that process is still alive, else nothing.
kafka_running_pid() {
  local pid
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Small config files for the Kafka command-line tools (probe + log4j to stderr).
KAFKA_TOOLS_LOG4J="$TTHC_KAFKA_STATE/tools-log4j.properties"
KAFKA_PROBE_CONFIG="$TTHC_KAFKA_STATE/probe.properties"
kafka_write_tool_configs() {
  mkdir -p "$TTHC_KAFKA_STATE/logs"
  if [[ ! -f "$KAFKA_TOOLS_LOG4J" ]]; then
    cat >"$KAFKA_TOOLS_LOG4J.tmp.$$" <<'PROPS'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
    mv -f "$KAFKA_TOOLS_LOG4J.tmp.$$" "$KAFKA_TOOLS_LOG4J"
  fi
  if [[ ! -f "$KAFKA_PROBE_CONFIG" ]]; then
    cat >"$KAFKA_PROBE_CONFIG.tmp.$$" <<'PROPS'
request.timeout.ms=3000
default.api.timeout.ms=5000
socket.connection.setup.timeout.ms=1000
socket.connection.setup.timeout.max.ms=2000
reconnect.backoff.max.ms=500
PROPS
    mv -f "$KAFKA_PROBE_CONFIG.tmp.$$" "$KAFKA_PROBE_CONFIG"
  fi
}
