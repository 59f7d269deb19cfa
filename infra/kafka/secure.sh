#!/usr/bin/env bash
# Makes, once per state dir, what the broker's SASL_SSL listener needs (see lib.sh):
#   ca.p12 / ca.pem       a local CA (the PEM is what clients trust: --kafka-ca)
#   broker.p12            the broker's key and certificate, signed by the CA, for 127.0.0.1 and localhost
#   store.password        the keystores' password
#   user.password         the password of the SASL user `tthc` (SCRAM-SHA-512 and PLAIN)
#   client.json           the settings a client needs to reach the listener: `tthc … --kafka-config client.json`
# With the JDK's keytool, which the broker's JVM brings. Files are readable by their owner only.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

dir="$KAFKA_SECURE_DIR"
if [[ -f "$dir/.made-ok" ]]; then
  # The port may change between starts: the client settings follow it.
  sed -i "s/\"brokers\": \"127.0.0.1:[0-9]*\"/\"brokers\": \"127.0.0.1:$KAFKA_SECURE_PORT\"/" "$KAFKA_SECURE_CONFIG"
  exit 0
fi
KEYTOOL="${KEYTOOL:-$(dirname "$(readlink -f "$(command -v "$JAVA")")")/keytool}"
[[ -x "$KEYTOOL" ]] || KEYTOOL=keytool
rm -rf "$dir"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
random() { head -c 18 /dev/urandom | base64 | tr '+/' 'xy'; }
store_pw="$(random)"
user_pw="$(random)"
printf '%s' "$store_pw" >"$dir/store.password"
printf '%s' "$user_pw" >"$dir/user.password"
kt() { "$KEYTOOL" -J-Xmx64m "$@" -storetype PKCS12 -storepass "$store_pw" -noprompt; }
kt -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity 3650 -dname "CN=TTHC local Kafka CA" -ext bc:c -keystore "$dir/ca.p12" 2>/dev/null
kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -file "$dir/ca.pem" 2>/dev/null
kt -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 825 -dname "CN=localhost" -keystore "$dir/broker.p12" 2>/dev/null
kt -certreq -alias broker -keystore "$dir/broker.p12" -file "$dir/broker.csr" 2>/dev/null
kt -gencert -alias ca -keystore "$dir/ca.p12" -infile "$dir/broker.csr" -outfile "$dir/broker.pem" -rfc -validity 825 \
  -ext "SAN=IP:127.0.0.1,DNS:localhost" -ext "KU=digitalSignature,keyEncipherment" -ext "EKU=serverAuth" 2>/dev/null
kt -importcert -alias ca -file "$dir/ca.pem" -keystore "$dir/broker.p12" 2>/dev/null
kt -importcert -alias broker -file "$dir/broker.pem" -keystore "$dir/broker.p12" 2>/dev/null
rm -f "$dir/broker.csr"
cat >"$KAFKA_SECURE_CONFIG" <<JSON
{
  "brokers": "127.0.0.1:$KAFKA_SECURE_PORT",
  "tls": { "ca": "$dir/ca.pem" },
  "sasl": { "mechanism": "scram-sha-512", "username": "tthc", "passwordFile": "$dir/user.password" }
}
JSON
touch "$dir/.made-ok"
kafka_log "made the SASL_SSL listener's CA, certificate and user in $dir"
