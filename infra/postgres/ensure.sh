#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on $PG_HOST:$PG_PORT (127.0.0.1:5432)
# and that the given databases exist (default: tthc tthc_test).
#   ensure.sh [DB...]
# If no server answers: installs Debian's postgresql when missing (apt-get),
# makes the cluster listen on 127.0.0.1 with trust auth for user postgres over
# TCP, starts it with pg_ctlcluster and writes the marker
# ${TMPDIR:-/tmp}/tthc-pg-started-by-us (stop.sh stops only such a server).
# stdout: PG_STARTED_BY_US=0|1 and DATABASE_URL_<DB>=... lines; status on stderr.
set -euo pipefail

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_WAIT_TIMEOUT="${PG_WAIT_TIMEOUT:-60}"
MARKER="${TMPDIR:-/tmp}/tthc-pg-started-by-us"
LOG="${TTHC_PG_LOG:-${TMPDIR:-/tmp}/tthc-pg-ensure.log}"
dbs=("$@")
((${#dbs[@]})) || dbs=(tthc tthc_test)

say() { echo "postgres: $*" >&2; }
die() { say "ERROR: $*"; [[ -s "$LOG" ]] && say "log: $LOG"; exit 1; }
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

for db in "${dbs[@]}"; do
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad database name '$db' (letters, digits, _ only)"
done

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2; }
psql_pg() { psql -X -q -v ON_ERROR_STOP=1 -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@"; }

# Debian cluster version: $PG_CLUSTER_VERSION, else the one whose cluster has
# our port, else the newest in /etc/postgresql.
cluster_version() {
  if [[ -n "${PG_CLUSTER_VERSION:-}" ]]; then echo "$PG_CLUSTER_VERSION"; return; fi
  local v
  v="$(pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" -v p="$PG_PORT" '$2 == c && $3 == p {print $1; exit}')"
  [[ -n "$v" ]] || v="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$v" ]] || v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)"
  echo "$v"
}

# Trust auth for user postgres over TCP from loopback, ahead of every other rule.
ensure_trust() {
  local ver="$1" hba
  hba="/etc/postgresql/$ver/$PG_CLUSTER/pg_hba.conf"
  [[ -f "$hba" ]] || die "cannot find $hba to allow trust auth for postgres"
  grep -q '^# tthc infra/postgres/ensure.sh' "$hba" && return 1
  say "adding trust auth for user postgres on 127.0.0.1/::1 to $hba"
  as_root sed -i '1i # tthc infra/postgres/ensure.sh: trust local TCP for user postgres\nhost    all    postgres    127.0.0.1/32    trust\nhost    all    postgres    ::1/128         trust' "$hba"
  return 0
}

started=0
if ready; then
  say "server already answers on $PG_HOST:$PG_PORT"
else
  if ! command -v pg_ctlcluster >/dev/null || [[ -z "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ]]; then
    say "installing Debian postgresql (log: $LOG)"
    { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql; } >>"$LOG" 2>&1 \
      || die "apt-get install postgresql failed"
  fi
  ver="$(cluster_version)"
  [[ -n "$ver" ]] || die "no PostgreSQL version found under /usr/lib/postgresql"
  if [[ ! -d "/etc/postgresql/$ver/$PG_CLUSTER" ]]; then
    say "creating cluster $ver/$PG_CLUSTER on port $PG_PORT"
    as_root pg_createcluster "$ver" "$PG_CLUSTER" -p "$PG_PORT" >>"$LOG" 2>&1 || die "pg_createcluster failed"
  fi
  port="$(pg_conftool -s "$ver" "$PG_CLUSTER" show port 2>/dev/null || echo 5432)"
  [[ "$port" == "$PG_PORT" ]] || die "cluster $ver/$PG_CLUSTER is configured for port $port, not $PG_PORT"
  listen="$(pg_conftool -s "$ver" "$PG_CLUSTER" show listen_addresses 2>/dev/null || echo localhost)"
  if [[ ! "$listen" =~ (^|[ ,])(\*|0\.0\.0\.0|127\.0\.0\.1|localhost)($|[ ,]) ]]; then
    say "setting listen_addresses='127.0.0.1' (was '$listen')"
    as_root pg_conftool "$ver" "$PG_CLUSTER" set listen_addresses 127.0.0.1 >>"$LOG" 2>&1
  fi
  ensure_trust "$ver" || true
  say "starting cluster $ver/$PG_CLUSTER"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" start >>"$LOG" 2>&1 \
    || { tail -n 20 "/var/log/postgresql/postgresql-$ver-$PG_CLUSTER.log" >&2 2>/dev/null || true; die "pg_ctlcluster start failed"; }
  echo "$ver $PG_CLUSTER" >"$MARKER"
  started=1
  t0=$SECONDS
  until ready; do
    ((SECONDS - t0 < PG_WAIT_TIMEOUT)) || die "server not ready on $PG_HOST:$PG_PORT after ${PG_WAIT_TIMEOUT}s"
    sleep 0.5
  done
  say "started cluster $ver/$PG_CLUSTER on $PG_HOST:$PG_PORT (marker $MARKER)"
fi

# Connect as postgres without a password; fix pg_hba.conf once if refused.
if ! err="$(psql_pg -tAc 'select 1' 2>&1 >/dev/null)"; then
  if [[ "$err" == *password* || "$err" == *authentication* || "$err" == *pg_hba.conf* ]]; then
    ver="$(cluster_version)"
    ensure_trust "$ver" || die "cannot connect as postgres: $err"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" reload >>"$LOG" 2>&1 || die "reload failed"
    sleep 0.5
    err="$(psql_pg -tAc 'select 1' 2>&1 >/dev/null)" || die "cannot connect as postgres: $err"
  else
    die "cannot connect as postgres: $err"
  fi
fi

for db in "${dbs[@]}"; do
  if [[ "$(psql_pg -tAc "select 1 from pg_database where datname = '$db'")" == 1 ]]; then
    say "database $db exists"
  else
    psql_pg -c "create database \"$db\"" >>"$LOG" 2>&1 || die "create database $db failed"
    say "created database $db"
  fi
done

echo "PG_STARTED_BY_US=$started"
for db in "${dbs[@]}"; do
  echo "DATABASE_URL_$(tr '[:lower:]' '[:upper:]' <<<"$db")=postgres://postgres@$PG_HOST:$PG_PORT/$db"
done
