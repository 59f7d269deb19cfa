#!/usr/bin/env bash
# Download the runtime jars of CloudEventsSend.java (CloudEvents Java SDK:
# cloudevents-kafka + cloudevents-json-jackson, and their kafka-clients and
# Jackson) from Maven Central, once, into
# ${TTHC_CLOUDEVENTS_JAVA_LIBS:-$HOME/.cache/tthc-cloudevents-java/libs-<version>}.
# Prints that directory on stdout; status lines go to stderr.
set -euo pipefail

CE_JAVA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ce_log() { echo "cloudevents-java: $*" >&2; }

CE_VERSION="$(sed -n 's:.*<cloudevents.version>\(.*\)</cloudevents.version>.*:\1:p' "$CE_JAVA_DIR/pom.xml" | head -n1)"
[[ -n "$CE_VERSION" ]] || { ce_log "cannot read <cloudevents.version> from $CE_JAVA_DIR/pom.xml"; exit 1; }
LIBS="${TTHC_CLOUDEVENTS_JAVA_LIBS:-${HOME:-/tmp}/.cache/tthc-cloudevents-java/libs-$CE_VERSION}"
MARKER="$LIBS/.fetched-ok"

if [[ -f "$MARKER" ]]; then
  echo "$LIBS"
  exit 0
fi

command -v mvn >/dev/null || { ce_log "mvn not found (install maven)"; exit 1; }
parent="$(dirname "$LIBS")"
mkdir -p "$parent"

# One fetch at a time (two scripts started together would share the dir).
exec 9>"$parent/.fetch-$(basename "$LIBS").lock"
command -v flock >/dev/null && flock 9
if [[ -f "$MARKER" ]]; then   # another process finished meanwhile
  echo "$LIBS"
  exit 0
fi

log="$parent/fetch-$(basename "$LIBS").log"
ce_log "fetching CloudEvents Java SDK $CE_VERSION jars (log: $log)"
start=$SECONDS
rm -rf "$LIBS"
mkdir -p "$LIBS"
if ! mvn -q -B -f "$CE_JAVA_DIR/pom.xml" \
      dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LIBS" >"$log" 2>&1; then
  ce_log "mvn dependency:copy-dependencies failed; last lines of $log:"
  tail -n 30 "$log" >&2
  exit 1
fi
for want in "cloudevents-kafka-$CE_VERSION" "cloudevents-json-jackson-$CE_VERSION" kafka-clients- jackson-databind-; do
  compgen -G "$LIBS/$want*.jar" >/dev/null \
    || { ce_log "no $want*.jar in $LIBS after mvn"; exit 1; }
done
date -u +%FT%TZ >"$MARKER"
jars=("$LIBS"/*.jar)
ce_log "fetched ${#jars[@]} jars in $((SECONDS - start))s"
echo "$LIBS"
