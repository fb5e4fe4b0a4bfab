#!/bin/sh
# The Temporal server on config/flinks-refresh.yaml: docker-compose.yml's `temporal` entrypoint, and what
# tools/cluster runs for `npm run cluster` and test/cluster (so both start it the same way).
# TEMPORAL_ROOT: the folder holding config/ and dynamicconfig/ (default: where compose mounts compose/temporal).
# SERVICES: "frontend", "history:matching", … for some of the four services in this process; all four when empty.
set -eu
root=${TEMPORAL_ROOT:-/etc/temporal/flinks}
export DYNAMIC_CONFIG_FILE_PATH="${DYNAMIC_CONFIG_FILE_PATH:-$root/dynamicconfig/development.yaml}"

# Bound to every interface (a container), the others reach this process at its own address, as the image's
# entrypoint does it.
if [ "${BIND_ON_IP:-}" = 0.0.0.0 ] && [ -z "${TEMPORAL_BROADCAST_ADDRESS:-}" ]; then
  TEMPORAL_BROADCAST_ADDRESS=$(getent hosts "$(hostname)" | awk '{print $1; exit}')
  export TEMPORAL_BROADCAST_ADDRESS
fi

set --
for service in $(echo "${SERVICES:-}" | tr ':,' '  '); do set -- "$@" --service "$service"; done
# exec: the server is this process, so a signal to it (docker stop, Ctrl-C, a fault test's SIGKILL) reaches it.
exec temporal-server --root "$root" --config config --env flinks-refresh --allow-no-auth start "$@"
