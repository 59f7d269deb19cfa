#!/usr/bin/env bash
# Runs a command with PostgreSQL, Kafka (and Chromium, for the browser tests) available: starts whichever is not already answering,
# exports their addresses for the tests, and stops what it started when the command ends, however
# it ends. Servers that were already running are left running.
#
#   bash infra/with-servers.sh pnpm test
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
(($#)) || { echo "usage: infra/with-servers.sh COMMAND [ARG…]" >&2; exit 2; }

started_kafka=0
started_pg=0
cleanup() {
  local rc=$?
  if ((started_kafka)); then bash "$here/kafka/stop.sh" || true; fi
  if ((started_pg)); then bash "$here/postgres/stop.sh" || true; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_out="$(bash "$here/postgres/ensure.sh")"
grep -q '^PG_STARTED_BY_US=1$' <<<"$pg_out" && started_pg=1
export TTHC_TEST_POSTGRES_URL="${TTHC_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  kafka_out="$(bash "$here/kafka/start.sh")"
  grep -q '^KAFKA_STARTED_BY_US=1$' <<<"$kafka_out" && started_kafka=1
  KAFKA_BROKERS="$(sed -n 's/^KAFKA_BROKERS=//p' <<<"$kafka_out")"
  export KAFKA_BROKERS
  # The broker's SASL_SSL listener: the settings a client needs to reach it (infra/kafka/secure.sh).
  KAFKA_SECURE_CONFIG="$(sed -n 's/^KAFKA_SECURE_CONFIG=//p' <<<"$kafka_out")"
  export KAFKA_SECURE_CONFIG
fi

# The dashboard's browser tests need Chromium, from Debian's package.
TTHC_CHROMIUM="$(bash "$here/chromium/ensure.sh")"
export TTHC_CHROMIUM

echo "with-servers: PostgreSQL $TTHC_TEST_POSTGRES_URL, Kafka $KAFKA_BROKERS (SASL_SSL: ${KAFKA_SECURE_CONFIG:-none}), Chromium $TTHC_CHROMIUM" >&2
"$@"
