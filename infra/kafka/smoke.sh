#!/usr/bin/env bash
# End-to-end check of a running broker: create a topic, produce one record,
# consume it back (KafkaSmoke.java, run from source with the broker's jars).
#   smoke.sh [TOPIC]     (default topic: tthc-smoke)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
"$KAFKA_INFRA_DIR/fetch.sh" >/dev/null
kafka_write_tool_configs
"$JAVA" -Xmx256m -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J" -cp "$(kafka_classpath)" \
  "$KAFKA_INFRA_DIR/KafkaSmoke.java" "$KAFKA_BOOTSTRAP" "${1:-tthc-smoke}"
