# Source this file (`. scripts/containers/env.sh`) to point Docker clients and
# testcontainers at the podman API socket that setup.sh starts.
#
# A variable that is already set wins, so a machine with Docker keeps its own
# DOCKER_HOST (and the official redis image) by exporting them first.
export DOCKER_HOST="${DOCKER_HOST:-unix://${MIGSIM_PODMAN_SOCKET:-/run/podman/podman.sock}}"
# The reaper (ryuk) is pulled from a registry, and none is reachable here.
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
# Reach containers through their port published on loopback, never through
# the bridge address testcontainers would otherwise derive from the gateway.
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
# The Redis image made locally by setup.sh instead of redis:7-alpine.
export MIGSIM_REDIS_IMAGE="${MIGSIM_REDIS_IMAGE:-localhost/migsim-redis:7}"
