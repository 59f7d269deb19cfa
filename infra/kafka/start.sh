#!/usr/bin/env bash
# Start a local single-node Kafka (KRaft, combined broker+controller) in the
# background and wait until it answers. Idempotent: if a broker already
# answers on 127.0.0.1:$KAFKA_PORT it says so and exits 0.
# Prints KAFKA_BROKERS=127.0.0.1:<port> on stdout; status lines on stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

t0=$(date +%s%N)
# The SASL_SSL listener's address and client settings, for callers to export (with-servers.sh does).
secure_lines() {
  if [[ "$KAFKA_SECURE_PORT" != off && -f "$KAFKA_SECURE_CONFIG" ]]; then
    echo "KAFKA_SECURE_BROKERS=127.0.0.1:$KAFKA_SECURE_PORT"
    echo "KAFKA_SECURE_CONFIG=$KAFKA_SECURE_CONFIG"
  fi
}
elapsed() { local t1; t1=$(date +%s%N); printf '%d.%01d' $(((t1 - t0) / 1000000000)) $((((t1 - t0) / 100000000) % 10)); }

"$KAFKA_INFRA_DIR/fetch.sh" >/dev/null

mkdir -p "$TTHC_KAFKA_STATE/logs" "$TTHC_KAFKA_STATE/data"
# Two start.sh at once: the second waits here, then finds the broker running.
exec 9>"$TTHC_KAFKA_STATE/.start.lock"
command -v flock >/dev/null && flock 9

if pid="$(kafka_running_pid)"; then
  if "$KAFKA_INFRA_DIR/wait.sh" --quiet; then
    kafka_log "broker already running (pid $pid) on $KAFKA_BOOTSTRAP"
    echo "KAFKA_BROKERS=$KAFKA_BOOTSTRAP"
    secure_lines
    exit 0
  fi
  kafka_log "ERROR: broker process $pid (from $KAFKA_PID_FILE) does not answer on $KAFKA_BOOTSTRAP; run stop.sh first"
  exit 1
fi
rm -f "$KAFKA_PID_FILE"

if "$KAFKA_INFRA_DIR/wait.sh" --once; then
  kafka_log "a broker already answers on $KAFKA_BOOTSTRAP (not started by this state dir); not starting another"
  echo "KAFKA_BROKERS=$KAFKA_BOOTSTRAP"
  exit 0
fi
for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if kafka_port_open "$port"; then
    kafka_log "ERROR: 127.0.0.1:$port is in use by something that is not a Kafka broker answering on $KAFKA_BOOTSTRAP (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    exit 1
  fi
done

# --- configuration (rewritten on every start, so port changes apply) ------
listeners="PLAINTEXT://127.0.0.1:$KAFKA_PORT"
protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
secure_props=""
scram_format=()
if [[ "$KAFKA_SECURE_PORT" != off ]]; then
  "$KAFKA_INFRA_DIR/secure.sh"
  listeners="$listeners,SASL_SSL://127.0.0.1:$KAFKA_SECURE_PORT"
  protocols="$protocols,SASL_SSL:SASL_SSL"
  store_pw="$(cat "$KAFKA_SECURE_DIR/store.password")"
  user_pw="$(cat "$KAFKA_SECURE_DIR/user.password")"
  # Brokers talk to each other in plaintext on loopback; clients may use either listener.
  secure_props="sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_tthc=\"$user_pw\";
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$KAFKA_SECURE_DIR/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$store_pw
listener.name.sasl_ssl.ssl.key.password=$store_pw"
  scram_format=(--add-scram "SCRAM-SHA-512=[name=tthc,password=$user_pw]")
fi
props="$TTHC_KAFKA_STATE/server.properties"
# It holds the listener's passwords.
(umask 077 && : >"$props")
cat >"$props" <<PROPS
# Written by infra/kafka/start.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=$listeners,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$TTHC_KAFKA_STATE/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
$secure_props
PROPS

log4j="$TTHC_KAFKA_STATE/log4j.properties"
cat >"$log4j" <<'PROPS'
# Written by infra/kafka/start.sh. Everything goes to logs/server.log.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
PROPS

# --- storage format (only once per data dir) ------------------------------
cp_jars="$(kafka_classpath)"
kafka_write_tool_configs
tool_opts=(-Xmx256m -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J")
if [[ ! -f "$TTHC_KAFKA_STATE/data/meta.properties" ]]; then
  fmt_log="$TTHC_KAFKA_STATE/logs/format.log"
  cluster_id="$("$JAVA" "${tool_opts[@]}" -cp "$cp_jars" kafka.tools.StorageTool random-uuid 2>"$fmt_log" | tail -n1)"
  [[ -n "$cluster_id" ]] || { kafka_log "ERROR: StorageTool random-uuid failed (see $fmt_log)"; exit 1; }
  if ! "$JAVA" "${tool_opts[@]}" -cp "$cp_jars" kafka.tools.StorageTool format \
        -t "$cluster_id" -c "$props" "${scram_format[@]}" >>"$fmt_log" 2>&1; then
    kafka_log "ERROR: StorageTool format failed; last lines of $fmt_log:"
    tail -n 20 "$fmt_log" >&2
    exit 1
  fi
  echo "$cluster_id" >"$TTHC_KAFKA_STATE/cluster.id"
  ((${#scram_format[@]})) && touch "$KAFKA_SECURE_DIR/.scram-ok"
  kafka_log "formatted $TTHC_KAFKA_STATE/data (cluster id $cluster_id)"
fi

# --- launch ----------------------------------------------------------------
# One server.log per run, so error output shows this run only.
[[ -f "$KAFKA_LOG_FILE" ]] && mv -f "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.prev"
read -r -a heap <<<"$KAFKA_HEAP"
read -r -a extra <<<"${KAFKA_JVM_OPTS:-}"
launcher=()
command -v setsid >/dev/null && launcher=(setsid)
"${launcher[@]}" "$JAVA" "${heap[@]}" \
  -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dkafka.logs.dir="$TTHC_KAFKA_STATE/logs" -Dlog4j.configuration="file:$log4j" \
  "${extra[@]}" \
  -cp "$cp_jars" kafka.Kafka "$props" \
  </dev/null >"$TTHC_KAFKA_STATE/logs/stdout.log" 2>&1 9>&- &
pid=$!
echo "$pid" >"$KAFKA_PID_FILE"
kafka_log "started broker pid $pid (Kafka $KAFKA_VERSION, state $TTHC_KAFKA_STATE)"

if ! "$KAFKA_INFRA_DIR/wait.sh" --quiet --timeout "${KAFKA_START_TIMEOUT:-90}"; then
  kafka_log "ERROR: broker did not come up; stopping it"
  "$KAFKA_INFRA_DIR/stop.sh" >/dev/null 2>&1 || true
  exit 1
fi
# A data dir formatted before the listener existed (or before its certificates were made anew) gets
# the SCRAM user now, through the plaintext listener.
if [[ "$KAFKA_SECURE_PORT" != off && ! -f "$KAFKA_SECURE_DIR/.scram-ok" ]]; then
  if "$JAVA" "${tool_opts[@]}" -cp "$cp_jars" kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --alter \
      --add-config "SCRAM-SHA-512=[password=$user_pw]" --entity-type users --entity-name tthc >>"$TTHC_KAFKA_STATE/logs/format.log" 2>&1; then
    touch "$KAFKA_SECURE_DIR/.scram-ok"
  else
    kafka_log "WARNING: could not add the SCRAM user tthc (see $TTHC_KAFKA_STATE/logs/format.log)"
  fi
fi
kafka_log "broker up on $KAFKA_BOOTSTRAP in $(elapsed)s (pid $pid)"
echo "KAFKA_BROKERS=$KAFKA_BOOTSTRAP"
secure_lines
# Only when this call started the broker: a caller that stops what it started (pnpm bench) reads it.
echo "KAFKA_STARTED_BY_US=1"
