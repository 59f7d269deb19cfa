#!/usr/bin/env bash
# Runs a command with PostgreSQL and Kafka available: starts whichever is not already answering,
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
  bash "$here/kafka/wait.sh" --once --quiet 2>/dev/null || started_kafka=1
  kafka_out="$(bash "$here/kafka/start.sh")"
  export KAFKA_BROKERS="${kafka_out#KAFKA_BROKERS=}"
fi

echo "with-servers: PostgreSQL $TTHC_TEST_POSTGRES_URL, Kafka $KAFKA_BROKERS" >&2
"$@"
