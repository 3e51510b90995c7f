#!/usr/bin/env bash
# Host plumbing for test:e2e, sourced by cluster.sh: the test bridge and its addresses, the one rule of kube-proxy the
# managers need, the fence that keeps pods off every other network, and qemu for arm64. Every *_up records what it
# changed in a directory; the matching *_down undoes exactly that, and is safe to run twice.
#
# Addresses (one subnet 10.213.0.0/16 on the bridge, routed nowhere else):
#   10.213.0.1         the host: kube-apiserver, the GitLab stand-in; the pods' gateway
#   10.213.0.(10+i)    node i's kubelet (the kubelet refuses a loopback node IP)
#   10.213.i.2-254     pods of node i
#   10.96.0.1:443      the `kubernetes` Service, DNAT'ed to the API server (no kube-proxy runs)
E2E_BRIDGE=rfe2e0
E2E_HOST_IP=10.213.0.1
E2E_SUBNET=10.213.0.0/16
E2E_NODE_IP_PREFIX=10.213.0.
E2E_POD_PREFIX=10.213.
E2E_SERVICE_RANGE=10.96.0.0/16
E2E_SERVICE_IP=10.96.0.1
E2E_PAUSE_IMAGE=localhost/runner-fleet-e2e/pause:1
E2E_CHAIN=RUNNER-FLEET-E2E
export E2E_BRIDGE E2E_SUBNET E2E_HOST_IP E2E_NODE_IP_PREFIX E2E_POD_PREFIX E2E_SERVICE_RANGE E2E_SERVICE_IP E2E_PAUSE_IMAGE

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

network_up() { # network_up RECORD_DIR
  local record=$1
  if ip link show "$E2E_BRIDGE" >/dev/null 2>&1; then
    echo "test:e2e: bridge $E2E_BRIDGE exists already (another run, or a crashed one: run cluster.sh down on its state)" >&2
    return 1
  fi
  cat /proc/sys/net/ipv4/ip_forward >"$record/ip_forward"
  ip link add "$E2E_BRIDGE" type bridge
  touch "$record/bridge"
  ip addr add "$E2E_HOST_IP/16" dev "$E2E_BRIDGE"
  ip link set "$E2E_BRIDGE" up
  # The CNI bridge plugin turns on forwarding for its gateway; this fence keeps pods' packets on the bridge.
  iptables -w -N "$E2E_CHAIN-FWD"
  touch "$record/iptables-filter"
  iptables -w -A "$E2E_CHAIN-FWD" -i "$E2E_BRIDGE" ! -o "$E2E_BRIDGE" -j DROP
  iptables -w -A "$E2E_CHAIN-FWD" -o "$E2E_BRIDGE" ! -i "$E2E_BRIDGE" -j DROP
  iptables -w -I FORWARD 1 -j "$E2E_CHAIN-FWD"
}

service_route_up() { # service_route_up RECORD_DIR APISERVER_PORT
  iptables -w -t nat -N "$E2E_CHAIN"
  touch "$1/iptables-nat"
  iptables -w -t nat -A "$E2E_CHAIN" -d "$E2E_SERVICE_IP" -p tcp --dport 443 -j DNAT --to-destination "$E2E_HOST_IP:$2"
  iptables -w -t nat -I PREROUTING 1 -i "$E2E_BRIDGE" -j "$E2E_CHAIN"
}

network_down() { # network_down RECORD_DIR
  local record=$1
  if [ -e "$record/iptables-nat" ]; then
    iptables -w -t nat -D PREROUTING -i "$E2E_BRIDGE" -j "$E2E_CHAIN" 2>/dev/null || true
    iptables -w -t nat -F "$E2E_CHAIN" 2>/dev/null || true
    iptables -w -t nat -X "$E2E_CHAIN" 2>/dev/null || true
    rm -f "$record/iptables-nat"
  fi
  if [ -e "$record/iptables-filter" ]; then
    iptables -w -D FORWARD -j "$E2E_CHAIN-FWD" 2>/dev/null || true
    iptables -w -F "$E2E_CHAIN-FWD" 2>/dev/null || true
    iptables -w -X "$E2E_CHAIN-FWD" 2>/dev/null || true
    rm -f "$record/iptables-filter"
  fi
  if [ -e "$record/bridge" ]; then
    ip link del "$E2E_BRIDGE" 2>/dev/null || true
    # Pods' veth ends die with their network namespaces; any left are ours (named veth*, master was the bridge).
    rm -f "$record/bridge"
  fi
  if [ -e "$record/ip_forward" ]; then
    cat "$record/ip_forward" >/proc/sys/net/ipv4/ip_forward
    rm -f "$record/ip_forward"
  fi
}

# arm64 binaries run through qemu-user-static, registered as Debian registers it: the F flag makes the kernel open
# the interpreter once, at registration, so it works inside containers whose root has no qemu; the P flag and the
# *-binfmt-P name keep argv[0], which multi-call binaries (busybox: ls, tee, … are links to it) dispatch on.
E2E_BINFMT=/proc/sys/fs/binfmt_misc
E2E_BINFMT_NAME=runner-fleet-e2e-aarch64
binfmt_up() { # binfmt_up RECORD_DIR
  local record=$1
  if [ ! -e "$E2E_BINFMT/register" ]; then
    mount -t binfmt_misc binfmt_misc "$E2E_BINFMT"
    touch "$record/binfmt-mount"
  fi
  local interpreter=/usr/libexec/qemu-binfmt/aarch64-binfmt-P
  [ -x "$interpreter" ] || { echo "test:e2e: $interpreter (qemu-user-static) is missing" >&2; return 1; }
  if [ ! -e "$E2E_BINFMT/$E2E_BINFMT_NAME" ]; then
    printf '%s' ":$E2E_BINFMT_NAME:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$interpreter:PF" \
      >"$E2E_BINFMT/register"
    touch "$record/binfmt-entry"
  fi
}

binfmt_down() { # binfmt_down RECORD_DIR
  local record=$1
  if [ -e "$record/binfmt-entry" ]; then
    [ ! -e "$E2E_BINFMT/$E2E_BINFMT_NAME" ] || echo -1 >"$E2E_BINFMT/$E2E_BINFMT_NAME"
    rm -f "$record/binfmt-entry"
  fi
  if [ -e "$record/binfmt-mount" ]; then
    # Leave it mounted if someone else registered an interpreter meanwhile.
    if [ -z "$(find "$E2E_BINFMT" -mindepth 1 -maxdepth 1 ! -name register ! -name status 2>/dev/null)" ]; then
      umount "$E2E_BINFMT" 2>/dev/null || true
    fi
    rm -f "$record/binfmt-mount"
  fi
}
