#!/usr/bin/env bash
# The network every build step, S2I step and post-build test runs on: a Docker bridge network
# with NAT out to the internet (package registries) and no way to this host's own services or to
# any private, link-local or otherwise special address. Run it as root on the Docker engine's
# host (the test env and `scripts/up.sh` do; in Kubernetes the Docker engine's pod runs it),
# after the engine has started with iptables on. Idempotent: it creates what is missing and
# rewrites its own rules.
#
#   DOCKER_HOST=unix:///... bash deploy/build-network.sh
#
# Settings (environment):
#   SLIPWAY_BUILD_NETWORK        network name (default slipway-builds)
#   SLIPWAY_BUILD_BRIDGE         its Linux bridge (default slipway-br0)
#   SLIPWAY_BUILD_SUBNET         its subnet (default 10.251.0.0/24)
#   SLIPWAY_BUILD_EGRESS_ALLOW   comma-separated CIDRs builds may reach although they are
#                                private (an internal package mirror, say); empty by default
#   SLIPWAY_BUILD_CHAIN          the iptables chain of its rules (default SLIPWAY-BUILD-EGRESS;
#                                one per bridge when several engines share a host)
set -euo pipefail

network=${SLIPWAY_BUILD_NETWORK:-slipway-builds}
bridge=${SLIPWAY_BUILD_BRIDGE:-slipway-br0}
subnet=${SLIPWAY_BUILD_SUBNET:-10.251.0.0/24}
allow=${SLIPWAY_BUILD_EGRESS_ALLOW:-}
chain=${SLIPWAY_BUILD_CHAIN:-SLIPWAY-BUILD-EGRESS}

# Never reachable from a build: "this" network, private ranges, CGNAT, loopback, link-local
# (cloud metadata at 169.254.169.254), IETF and documentation ranges, benchmarking, multicast
# and reserved (RFC 6890). The host's own subnets are added below.
denied=(0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24
  192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24
  224.0.0.0/4 240.0.0.0/4)

docker network inspect "$network" >/dev/null 2>&1 ||
  docker network create --driver bridge --subnet "$subnet" \
    -o com.docker.network.bridge.name="$bridge" -o com.docker.network.bridge.enable_ip_masquerade=true \
    --label dev.slipway.role=builds "$network" >/dev/null

# Build steps resolve names through Docker's embedded DNS, which asks the host's nameservers from
# inside the build's network namespace: those (port 53 only) are the one private destination allowed.
nameservers=$(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ { print $2 }' /etc/resolv.conf)
local_subnets=$(ip -4 route show scope link | awk '$1 ~ /\// { print $1 }')

# The rules are built in a chain of their own and swapped in by renaming it, so a re-run never
# leaves the bridge unfenced, not even for a moment.
next="$chain-NEXT"
iptables -N "$next" 2>/dev/null || iptables -F "$next"
iptables -A "$next" -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
for ns in $nameservers; do
  iptables -A "$next" -d "$ns" -p udp --dport 53 -j RETURN
  iptables -A "$next" -d "$ns" -p tcp --dport 53 -j RETURN
done
for cidr in ${allow//,/ }; do iptables -A "$next" -d "$cidr" -j RETURN; done
for cidr in "${denied[@]}" $local_subnets; do
  iptables -A "$next" -d "$cidr" -j REJECT --reject-with icmp-admin-prohibited
done
iptables -A "$next" -j RETURN
iptables -I DOCKER-USER -i "$bridge" -j "$next"
while iptables -D DOCKER-USER -i "$bridge" -j "$chain" 2>/dev/null; do :; done
iptables -F "$chain" 2>/dev/null && iptables -X "$chain"
iptables -E "$next" "$chain"

# Forwarded traffic from the build bridge (to other hosts) goes through the chain, hooked above
# into DOCKER-USER, which Docker calls before its own rules. Traffic to this host itself (any of
# its addresses, the bridge's gateway included) never reaches a host service.
iptables -C INPUT -i "$bridge" -j REJECT --reject-with icmp-admin-prohibited 2>/dev/null ||
  iptables -I INPUT -i "$bridge" -j REJECT --reject-with icmp-admin-prohibited
# No IPv6 on the build network (the engine runs without ip6tables), so nothing to fence there.
echo "$network"
