#!/usr/bin/env bash
# Starts metrics-server (built by ./build.sh) as a host process, like the other control-plane
# pieces, scraping the REAL node's kubelet (test/env/node) every 10 s, and registers it as the
# aggregated API metrics.k8s.io/v1beta1: `kubectl top` and HorizontalPodAutoscalers read it.
# kwok nodes have no kubelet: --node-selector leaves them out.
#
# How the API server reaches it: it listens on the real node's InternalIP (this machine's own
# interface address; Endpoints refuse loopback), behind a selector-less Service `kube-system/
# metrics-server` whose EndpointSlice names that address. Without --enable-aggregator-routing
# the aggregator dials the Service's ClusterIP, which the real node's kube-proxy translates on this
# host. Its serving certificate is signed by the cluster CA for the Service's DNS name, and the
# APIService carries that CA. It reads the cluster (and asks the kubelet) with the admin
# kubeconfig: a test env only. Idempotent.
#
#   start.sh BIN_DIR K8S_BIN_DIR     (needs SLIPWAY_STATE, the control plane and the real node up)
source "$(dirname "$0")/../lib.sh"
BIN=$1 K8S_BIN=$2
KUBECONFIG_FILE="$SLIPWAY_STATE/k8s/kubeconfig"
KUBECTL=("$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE")
PKI="$SLIPWAY_STATE/k8s/pki"
DIR="$SLIPWAY_STATE/metrics"
PORT=21443
NODE_SELECTOR=slipway.dev/node=real
mkdir -p "$DIR"

node_ip=$("${KUBECTL[@]}" get nodes -l "$NODE_SELECTOR" -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
[ -n "$node_ip" ] || die "metrics: no real node (label $NODE_SELECTOR) with an InternalIP; start test/env/node first"

# The serving certificate, for the name the aggregator checks (<service>.<namespace>.svc).
if [ ! -f "$DIR/serving.crt" ] || ! openssl x509 -in "$DIR/serving.crt" -noout -checkend 86400 >/dev/null 2>&1; then
  openssl req -new -newkey rsa:2048 -nodes -keyout "$DIR/serving.key" -subj "/CN=metrics-server.kube-system.svc" -out "$DIR/serving.csr" 2>/dev/null
  printf 'subjectAltName=DNS:metrics-server.kube-system.svc,DNS:metrics-server.kube-system.svc.cluster.local\n' >"$DIR/san.ext"
  openssl x509 -req -in "$DIR/serving.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAserial "$DIR/ca.srl" -CAcreateserial \
    -days 365 -extfile "$DIR/san.ext" -out "$DIR/serving.crt" 2>/dev/null
  chmod 600 "$DIR/serving.key"
fi

start_bg metrics-server "$BIN/metrics-server" \
  --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
  --bind-address="$node_ip" --secure-port="$PORT" \
  --tls-cert-file="$DIR/serving.crt" --tls-private-key-file="$DIR/serving.key" \
  --kubelet-insecure-tls --kubelet-preferred-address-types=InternalIP --kubelet-use-node-status-port \
  --node-selector="$NODE_SELECTOR" --metric-resolution=10s --kubelet-request-timeout=5s
wait_until 30 metrics-server curl -fsSk "https://$node_ip:$PORT/livez"

"${KUBECTL[@]}" apply --server-side --force-conflicts -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: { name: metrics-server, namespace: kube-system, labels: { app.kubernetes.io/name: metrics-server } }
spec:
  ports: [{ name: https, port: 443, targetPort: $PORT, protocol: TCP }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: metrics-server-host
  namespace: kube-system
  labels: { kubernetes.io/service-name: metrics-server, endpointslice.kubernetes.io/managed-by: slipway-test-env }
addressType: IPv4
ports: [{ name: https, port: $PORT, protocol: TCP }]
endpoints: [{ addresses: ["$node_ip"], conditions: { ready: true } }]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.metrics.k8s.io }
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: { name: metrics-server, namespace: kube-system, port: 443 }
  caBundle: $(base64 -w0 <"$PKI/ca.crt")
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
wait_until 60 "metrics.k8s.io APIService" bash -c "'${KUBECTL[0]}' --kubeconfig '$KUBECONFIG_FILE' get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type==\"Available\")].status}' | grep -q True"
log "metrics-server ready on $node_ip:$PORT (metrics.k8s.io/v1beta1)"
