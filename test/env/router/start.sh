#!/usr/bin/env bash
# Starts the test env's weighted traffic router: Traefik as a Gateway API controller on the
# host, routing to the real node's pods by their addresses. Installs the Gateway API CRDs (from
# the same module Traefik is built with), a GatewayClass `slipway-test`, and a Gateway `edge` in
# namespace `slipway-gateway` whose HTTP listener is Traefik's entry point on 127.0.0.1:18000.
# Traefik reads the API server with a ServiceAccount token that may only read routes and
# endpoints and write Gateway API status. Idempotent.
# It also serves Kubernetes Ingresses of IngressClass `slipway-test` (controller
# traefik.io/ingress-controller): plain HTTP on the same 127.0.0.1:18000, TLS on 127.0.0.1:18443
# (entry point `websecure`, every router on it TLS, the certificate chosen by SNI from the
# Ingresses' `tls` Secrets). Ingresses of any other class, or of none, are left alone.
#
#   start.sh BIN_DIR K8S_BIN_DIR     (needs SLIPWAY_STATE and KUBECONFIG-level admin access)
source "$(dirname "$0")/../lib.sh"
BIN=$1 K8S_BIN=$2
HERE="$ENV_DIR/router"
KUBECTL=("$K8S_BIN/kubectl" --kubeconfig "$SLIPWAY_STATE/k8s/kubeconfig")
PORT=18000
TLS_PORT=18443
INGRESS_CLASS=slipway-test
export GOFLAGS="-mod=readonly" GOMODCACHE="$SLIPWAY_CACHE/go-mod" GOCACHE="$SLIPWAY_CACHE/go-build"

crds=$(cd "$HERE" && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)/config/crd/standard
[ -d "$crds" ] || die "router: no Gateway API CRDs in $crds"
"${KUBECTL[@]}" apply --server-side --force-conflicts -f "$crds" >/dev/null
"${KUBECTL[@]}" wait --for=condition=Established --timeout=60s crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io >/dev/null

"${KUBECTL[@]}" apply --server-side -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: { name: slipway-gateway }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: traefik, namespace: slipway-gateway }
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: traefik-token, namespace: slipway-gateway, annotations: { kubernetes.io/service-account.name: traefik } }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: slipway-test-traefik }
rules:
  - apiGroups: [""]
    resources: [namespaces, services, secrets, configmaps, nodes]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses, gateways, httproutes, grpcroutes, referencegrants, backendtlspolicies, tcproutes, tlsroutes]
    verbs: [get, list, watch]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses/status, gateways/status, httproutes/status, grpcroutes/status, backendtlspolicies/status, tcproutes/status, tlsroutes/status]
    verbs: [update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: slipway-test-traefik }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: slipway-test-traefik }
subjects: [{ kind: ServiceAccount, name: traefik, namespace: slipway-gateway }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: slipway-test }
spec: { controllerName: traefik.io/gateway-controller }
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: $INGRESS_CLASS }
spec: { controller: traefik.io/ingress-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: slipway-gateway }
spec:
  gatewayClassName: slipway-test
  listeners:
    - { name: web, protocol: HTTP, port: $PORT, allowedRoutes: { namespaces: { from: All } } }
YAML

token_file="$SLIPWAY_STATE/router/token"
mkdir -p "$SLIPWAY_STATE/router"
has_token() { "${KUBECTL[@]}" -n slipway-gateway get secret traefik-token -o jsonpath='{.data.token}' | grep -q .; }
wait_until 60 "the router's ServiceAccount token" has_token
"${KUBECTL[@]}" -n slipway-gateway get secret traefik-token -o jsonpath='{.data.token}' | base64 -d >"$token_file"
chmod 600 "$token_file"
# Traefik takes the token as a value; a config file (mode 600) keeps it off the command line (ps).
# No version check or usage report: the test env reaches nothing outside this machine.
cat >"$SLIPWAY_STATE/router/traefik.yml" <<CONF
global: { checkNewVersion: false, sendAnonymousUsage: false }
entryPoints:
  web: { address: "127.0.0.1:$PORT", asDefault: true }
  websecure: { address: "127.0.0.1:$TLS_PORT", asDefault: true, http: { tls: {} } }
  traefik: { address: "127.0.0.1:18080" }
ping: { entryPoint: traefik }
log: { level: WARN }
providers:
  kubernetesGateway:
    endpoint: "$(awk '/server:/ { print $2; exit }' "$SLIPWAY_STATE/k8s/kubeconfig")"
    certAuthFilePath: "$SLIPWAY_STATE/k8s/pki/ca.crt"
    token: "$(cat "$token_file")"
  kubernetesIngress:
    endpoint: "$(awk '/server:/ { print $2; exit }' "$SLIPWAY_STATE/k8s/kubeconfig")"
    certAuthFilePath: "$SLIPWAY_STATE/k8s/pki/ca.crt"
    token: "$(cat "$token_file")"
    ingressClass: $INGRESS_CLASS
CONF
chmod 600 "$SLIPWAY_STATE/router/traefik.yml"
start_bg router "$BIN/traefik" --configFile="$SLIPWAY_STATE/router/traefik.yml"
wait_until 60 "the router" curl -fsS http://127.0.0.1:18080/ping
programmed() { [ "$("${KUBECTL[@]}" -n slipway-gateway get gateway edge -o jsonpath='{.status.conditions[?(@.type=="Programmed")].status}')" = True ]; }
wait_until 60 "the Gateway edge (Programmed)" programmed
log "router ready: Gateway slipway-gateway/edge on http://127.0.0.1:$PORT; Ingress class $INGRESS_CLASS on http://127.0.0.1:$PORT and https://127.0.0.1:$TLS_PORT"
