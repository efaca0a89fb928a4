#!/usr/bin/env bash
# The test cluster's storage: a default StorageClass and a pool of hostPath PersistentVolumes,
# created if absent, and PVs whose claims are gone made Available again. Run by start.sh on
# every start, also when the cluster was already running, so each test run has the whole pool.
#   storage.sh <state-dir> <bin-dir>
set -euo pipefail
STATE=$1
BIN=$2
KUBECTL=("$BIN/kubectl" --kubeconfig "$STATE/kubeconfig")
mkdir -p "$STATE/manifests"

# StorageClass + PVs: no provisioner exists without real nodes, so claims bind to
# pre-made hostPath PVs (kwok never touches the paths). Retain, not Recycle: the
# recycler pod does not reliably complete under kwok and leaves PVs Failed, which
# drained the pool over repeated runs. Instead, every start frees the PVs whose
# claims are gone (below), so each run begins with the whole pool.
PV_YAML="$STATE/manifests/storage.yaml"
cat >"$PV_YAML" <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Delete
allowVolumeExpansion: false
EOF
n=0
for size in $(printf '1Gi %.0s' $(seq 16)) $(printf '5Gi %.0s' $(seq 16)) $(printf '10Gi %.0s' $(seq 8)); do
  cat >>"$PV_YAML" <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: slipway-pv-$(printf %02d $n)
  labels: {slipway.test/pv-size: "$size"}
spec:
  capacity: {storage: $size}
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: standard
  volumeMode: Filesystem
  hostPath: {path: /tmp/slipway-k8s-pv/pv-$(printf %02d $n), type: ""}
EOF
  n=$((n + 1))
done

# Only objects that do not exist yet: re-applying a bound PV would fight the PV controller.
"${KUBECTL[@]}" create -f "$PV_YAML" --save-config=false 2>&1 | grep -vE "AlreadyExists" >&2 || true

# Free PVs left Released (or Failed, by the Recycle policy earlier versions used) by
# claims of earlier runs: drop the stale claimRef and make them Retain.
# The real node (../node) really mounts these paths, so a PV that is not bound is also made
# ready for its next claim there: emptied, as a recycler would (a database finding an earlier
# run's data skips its first-start setup, credentials included), and writable by any uid
# (hostPath volumes ignore fsGroup; local-path-provisioner makes its directories 0777 too).
pvs=$("${KUBECTL[@]}" get pv -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase} {.spec.hostPath.path}{"\n"}{end}')
while read -r pv phase path; do
  case "$phase" in
    Released|Failed)
      "${KUBECTL[@]}" patch pv "$pv" --type merge -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}' >/dev/null
      "${KUBECTL[@]}" patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
      case "$path" in /tmp/slipway-k8s-pv/pv-[0-9][0-9]) rm -rf "$path" ;; esac ;;
  esac
  case "$phase:$path" in
    Available:/tmp/slipway-k8s-pv/pv-[0-9][0-9]|Released:/tmp/slipway-k8s-pv/pv-[0-9][0-9]|Failed:/tmp/slipway-k8s-pv/pv-[0-9][0-9])
      mkdir -p "$path" && chmod 0777 "$path" ;;
  esac
done <<<"$pvs"

