#!/bin/sh
# podman, for podman-compose 1.0.3 (Debian 12) with `network_mode: host`
# (compose.hostnet.yml): that version adds `--net <project>_default
# --network-alias <service>` to every container, host-networked ones too, and
# podman refuses the mix ("cannot set multiple networks without bridge network
# mode"). For a `run` or `create` that asks for `--network host`, this drops
# those two options; every other call goes to podman unchanged.
#   podman-compose --podman-path scripts/containers/podman-hostnet.sh -f docker-compose.yml -f compose.hostnet.yml up -d
# The project network podman-compose still creates has no container on it;
# `podman-compose down` of that version leaves it, so remove it with
# `podman network rm <project>_default`.
case "$1" in
  run | create) ;;
  *) exec podman "$@" ;;
esac
host=false
previous=
for arg in "$@"; do
  if [ "$previous" = --network ] && [ "$arg" = host ]; then host=true; fi
  previous=$arg
done
$host || exec podman "$@"
command=$1
shift
skip=false
for arg in "$@"; do
  shift
  if $skip; then skip=false; continue; fi
  case "$arg" in
    --net | --network-alias) skip=true; continue ;;
  esac
  set -- "$@" "$arg"
done
exec podman "$command" "$@"
