#!/usr/bin/env bash
# Makes containers work on a machine without a Docker engine and without a
# reachable registry: Debian's podman (runc runtime) serving the Docker API on
# /run/podman/podman.sock, plus base images built locally with `podman import`
# from this machine's own binaries. Idempotent: a second run only checks.
# Nothing is downloaded except Debian packages. See README.md beside this file.
#
#   bash scripts/containers/setup.sh        # then: . scripts/containers/env.sh
#
# MIGSIM_SKIP_PODMAN_SETUP=1 skips everything (machines with Docker).
# MIGSIM_PODMAN_SOCKET moves the API socket (default /run/podman/podman.sock);
# env.sh reads the same variable.
set -euo pipefail

SOCKET=${MIGSIM_PODMAN_SOCKET:-/run/podman/podman.sock}
SERVICE_PID_FILE=$(dirname "$SOCKET")/migsim-service.pid
SERVICE_LOG=/var/log/migsim-podman-service.log
CONF=/etc/containers/containers.conf
REDIS_IMAGE=localhost/migsim-redis:7
NODE_IMAGE=localhost/migsim-node-base:20
NODE_BUILD_IMAGE=localhost/migsim-node-build:20
ENV_LINE="export DOCKER_HOST=unix://$SOCKET TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 MIGSIM_REDIS_IMAGE=$REDIS_IMAGE"

log() { echo "== containers: $*" >&2; }
die() { echo "== containers: ERROR: $*" >&2; exit 1; }

if [ "${MIGSIM_SKIP_PODMAN_SETUP:-}" = 1 ]; then
  log "MIGSIM_SKIP_PODMAN_SETUP=1: nothing done (use your own Docker; do not source env.sh)"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "run as root (apt-get, /etc/containers and /run/podman need it)"
  exec sudo --preserve-env=MIGSIM_SKIP_PODMAN_SETUP,MIGSIM_PODMAN_SOCKET bash "$0" "$@"
fi

# Two engineers (or CI and an engineer) running this at once must not both
# build the same image or start two services on one socket.
mkdir -p /run/lock
exec 9>/run/lock/migsim-containers-setup.lock
flock 9

# --- 1. packages -------------------------------------------------------------
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v podman-compose >/dev/null || missing+=(podman-compose)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. /etc/containers/containers.conf -------------------------------------
# runc: crun is refused on this machine kind. cgroupfs and the file events
# logger: there is no systemd (no D-Bus, no journald) to hand cgroups or
# events to. default_ulimits: podman copies the host's raised nofile/nproc
# limits into containers by default, and raising them is refused here.
wanted_conf='# Written by migsim scripts/containers/setup.sh (see its README.md).
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
'
conf_changed=false
if [ ! -f "$CONF" ]; then
  mkdir -p "$(dirname "$CONF")"
  printf '%s' "$wanted_conf" >"$CONF"
  conf_changed=true
  log "wrote $CONF"
elif [ "$(cat "$CONF")" != "$(printf '%s' "$wanted_conf")" ]; then
  backup="$CONF.before-migsim.$(date -u +%Y%m%dT%H%M%SZ)"
  cp -p "$CONF" "$backup"
  printf '%s' "$wanted_conf" >"$CONF"
  conf_changed=true
  log "replaced $CONF (the previous one is kept as $backup)"
fi

# --- 3. local base images -----------------------------------------------------
# Copies each binary (dereferenced) and every library `ldd` lists, including
# the dynamic loader, to the same paths under $1.
copy_with_libraries() {
  local root=$1 binary target file
  shift
  for binary in "$@"; do
    target=$binary
    mkdir -p "$root$(dirname "$target")"
    cp -L "$binary" "$root$target"
    for file in $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
      mkdir -p "$root$(dirname "$file")"
      [ -e "$root$file" ] || cp -L "$file" "$root$file"
    done
  done
}

# The label records which host binary an image was made from, so a changed
# redis-server or node (apt upgrade, another Node) is noticed and rebuilt.
image_source_label() {
  podman image inspect --format '{{ index .Config.Labels "migsim.source" }}' "$1" 2>/dev/null || true
}

import_rootfs() {
  local root=$1 image=$2
  shift 2
  tar -C "$root" --numeric-owner -cf - . | podman import --quiet "$@" - "$image" >/dev/null
}

build_redis_image() {
  local source=$1 root
  root=$(mktemp -d)
  # redis-cli too: the compose file's healthcheck runs `redis-cli ping`, as
  # with the official image.
  copy_with_libraries "$root" /usr/bin/redis-server /usr/bin/redis-cli /bin/sh
  mkdir -p "$root/tmp" "$root/data" "$root/etc" "$root/usr/local/bin"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  # Like the official image's entrypoint: `redis-server ARGS` (or bare
  # options) become redis-server with the network settings first, so a
  # caller's command (testcontainers passes `redis-server --save '' ...`)
  # keeps them. --bind 0.0.0.0 and --protected-mode no: connections arrive
  # from the bridge gateway through the published port, not from loopback
  # inside the container, and protected mode would refuse them.
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
if [ "${1#-}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  shift
  exec /usr/bin/redis-server --bind 0.0.0.0 --protected-mode no "$@"
fi
exec "$@"
ENTRY
  chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
  import_rootfs "$root" "$REDIS_IMAGE" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'WORKDIR /data' \
    --change 'EXPOSE 6379' \
    --change "LABEL migsim.source=\"$source\"" \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["redis-server", "--save", "", "--appendonly", "no"]'
  rm -rf "$root"
}

build_node_image() {
  local source=$1 node root
  node=$(readlink -f "$(command -v node)")
  root=$(mktemp -d)
  copy_with_libraries "$root" "$node" /bin/sh
  if [ "$node" != /usr/local/bin/node ]; then
    mkdir -p "$root/usr/local/bin"
    ln -s "$node" "$root/usr/local/bin/node"
  fi
  mkdir -p "$root/tmp" "$root/etc" "$root/home/node" "$root/root"
  chmod 1777 "$root/tmp"
  chown 1000:1000 "$root/home/node"
  # The official node image's `node` user (uid/gid 1000), for `USER node`.
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
  import_rootfs "$root" "$NODE_IMAGE" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change "LABEL migsim.source=\"$source\"" \
    --change 'CMD ["node"]'
  rm -rf "$root"
}

# The build stage of the services' Dockerfiles runs `npm ci`: the official
# node image has npm, the base stand-in above has not. This one is the base
# stand-in plus the machine's npm (a self-contained package under
# /usr/lib/node_modules) and the machine's CA bundle, so npm reaches the
# registry the way it does on the host. Build stages only: nothing of it
# ends up in a service image.
build_node_build_image() {
  local source=$1 npm_root context
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  context=$(mktemp -d)
  mkdir -p "$context/root/usr/lib/node_modules" "$context/root/usr/local/bin" "$context/root/etc/ssl/certs"
  cp -a "$npm_root" "$context/root/usr/lib/node_modules/npm"
  printf '#!/bin/sh\nexec node /usr/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$context/root/usr/local/bin/npm"
  printf '#!/bin/sh\nexec node /usr/lib/node_modules/npm/bin/npx-cli.js "$@"\n' >"$context/root/usr/local/bin/npx"
  chmod 755 "$context/root/usr/local/bin/npm" "$context/root/usr/local/bin/npx"
  cp -L /etc/ssl/certs/ca-certificates.crt "$context/root/etc/ssl/certs/ca-certificates.crt"
  cat >"$context/Containerfile" <<BUILD
FROM $NODE_IMAGE
COPY root/ /
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL migsim.source="$source"
BUILD
  podman build --quiet --network none --format docker -t "$NODE_BUILD_IMAGE" "$context" >/dev/null
  rm -rf "$context"
}

command -v redis-cli >/dev/null || die "redis-cli is not installed: apt-get install redis-tools"
redis_source="$(redis-server --version 2>/dev/null | awk '{print $3}') $(sha256sum "$(readlink -f /usr/bin/redis-server)" | cut -c1-16)" ||
  die "redis-server is not installed: apt-get install redis-server"
if [ "$(image_source_label "$REDIS_IMAGE")" != "redis-server $redis_source with redis-cli" ]; then
  log "building $REDIS_IMAGE from this machine's redis-server"
  build_redis_image "redis-server $redis_source with redis-cli"
fi

command -v node >/dev/null || die "node is not on PATH"
node_source="node $(node --version) $(sha256sum "$(readlink -f "$(command -v node)")" | cut -c1-16)"
if [ "$(image_source_label "$NODE_IMAGE")" != "$node_source" ]; then
  log "building $NODE_IMAGE from this machine's node"
  build_node_image "$node_source"
fi

command -v npm >/dev/null || die "npm is not on PATH"
# The base image's source is part of the label: the build image holds the same node.
node_build_source="$node_source npm $(npm --version) ca $(sha256sum /etc/ssl/certs/ca-certificates.crt | cut -c1-16)"
if [ "$(image_source_label "$NODE_BUILD_IMAGE")" != "$node_build_source" ]; then
  log "building $NODE_BUILD_IMAGE ($NODE_IMAGE with this machine's npm and CA bundle)"
  build_node_build_image "$node_build_source"
fi

# --- 4. the Docker-compatible API socket ------------------------------------
answers() { [ "$(curl --silent --max-time 2 --unix-socket "$SOCKET" http://d/_ping 2>/dev/null)" = OK ]; }
our_service_pid() {
  local pid
  pid=$(cat "$SERVICE_PID_FILE" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# A service whose working directory was deleted (it was started from a clone
# that is gone) answers the API but cannot start containers: conmon fails with
# "Failed to get working directory". Such a service is restarted too.
cwd_gone() { case "$(readlink "/proc/$1/cwd" 2>/dev/null)" in *" (deleted)") return 0 ;; *) return 1 ;; esac; }
if answers && pid=$(our_service_pid) && cwd_gone "$pid"; then
  log "restarting the podman service (pid $pid): the directory it was started in is gone"
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi

if $conf_changed && answers; then
  if pid=$(our_service_pid); then
    log "restarting the podman service (pid $pid) so it reads the new $CONF"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  else
    log "WARNING: a podman service not started by this script answers on $SOCKET; restart it to apply $CONF"
  fi
fi

if ! answers; then
  if ! our_service_pid >/dev/null; then
    mkdir -p "$(dirname "$SOCKET")"
    rm -f "$SOCKET" # a socket file left by a service that is gone
    log "starting podman system service on $SOCKET (log: $SERVICE_LOG)"
    # setsid + redirections: the service outlives this script and holds no
    # pipe of its caller (CI would otherwise wait on it), nor the lock (9).
    # Started from / so that no clone's directory is its working directory.
    (cd / && exec setsid podman system service --time=0 "unix://$SOCKET" >>"$SERVICE_LOG" 2>&1 </dev/null 9>&-) &
    echo $! >"$SERVICE_PID_FILE"
  fi
  for _ in $(seq 300); do answers && break; sleep 0.1; done
  answers || die "podman system service did not answer on $SOCKET within 30 s; see $SERVICE_LOG"
fi

log "ready: podman $(podman --version | awk '{print $3}') answers on $SOCKET; images $REDIS_IMAGE, $NODE_IMAGE, $NODE_BUILD_IMAGE"
echo "$ENV_LINE"
