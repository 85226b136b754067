#!/usr/bin/env bash
# The integration tests run against Debian's real influxd and use the mosquitto clients as an
# independent MQTT peer. Install them when missing (as root, with apt-get) or stop with the
# exact command to run: those tests are never skipped silently.
set -euo pipefail

missing=()
command -v influxd >/dev/null 2>&1 || [ -x /usr/bin/influxd ] || missing+=(influxdb)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "test dependencies missing: ${missing[*]}" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing them with apt-get..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's packages register services; the tests start their own instances on free ports.
  exit 0
fi
echo "run: sudo apt-get install -y ${missing[*]}   (then npm test again)" >&2
exit 1
