#!/usr/bin/env bash
# Download the Kafka broker's runtime jars from Maven Central (once) into
# ${TTHC_KAFKA_LIBS:-${TTHC_KAFKA_HOME:-$HOME/.cache/tthc-kafka}/libs-<version>}.
# Prints that directory on stdout; status lines go to stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

if [[ -f "$KAFKA_LIBS_MARKER" ]]; then
  echo "$TTHC_KAFKA_LIBS"
  exit 0
fi

command -v mvn >/dev/null || { kafka_log "mvn not found (install maven)"; exit 1; }
mkdir -p "$TTHC_KAFKA_HOME"

# One fetch at a time (two scripts started together would share the dir).
exec 9>"$TTHC_KAFKA_HOME/.fetch.lock"
command -v flock >/dev/null && flock 9
if [[ -f "$KAFKA_LIBS_MARKER" ]]; then   # another process finished meanwhile
  echo "$TTHC_KAFKA_LIBS"
  exit 0
fi

log="$TTHC_KAFKA_HOME/fetch-$KAFKA_VERSION.log"
kafka_log "fetching Kafka $KAFKA_VERSION jars (log: $log)"
start=$SECONDS
rm -rf "$TTHC_KAFKA_LIBS"
mkdir -p "$TTHC_KAFKA_LIBS"
if ! mvn -q -B -f "$KAFKA_INFRA_DIR/pom.xml" \
      -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$TTHC_KAFKA_LIBS" >"$log" 2>&1; then
  kafka_log "mvn dependency:copy-dependencies failed; last lines of $log:"
  tail -n 30 "$log" >&2
  exit 1
fi
compgen -G "$TTHC_KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null \
  || { kafka_log "no kafka_2.13 jar in $TTHC_KAFKA_LIBS after mvn"; exit 1; }
date -u +%FT%TZ >"$KAFKA_LIBS_MARKER"
jars=("$TTHC_KAFKA_LIBS"/*.jar)
kafka_log "fetched ${#jars[@]} jars in $((SECONDS - start))s"
echo "$TTHC_KAFKA_LIBS"
