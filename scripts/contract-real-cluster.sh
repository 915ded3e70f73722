#!/usr/bin/env bash
# Runs the engine contract suite (test/contract) against a real cluster with Argo Workflows,
# through the kubeconfig in KUBECONFIG, instead of the fake API server.
#
#   KUBECONFIG=~/.kube/config scripts/contract-real-cluster.sh
#
# Optional: SKIFF_CONTRACT_NAMESPACE (default argo), SKIFF_CONTRACT_CONTEXT (kubeconfig context),
# SKIFF_CONTRACT_INSTANCE_ID (the controller's instanceID, if it has one),
# SKIFF_CONTRACT_TIMEOUT_MS (per wait, default 300000: image pulls and pod scheduling take time).
# SKIFF_CONTRACT_ARTIFACT_BUCKET: the S3 bucket of the cluster's artifact repository, where the archived-log
# case reads the log Argo saved (AWS credentials from the environment); that case fails without it.
set -euo pipefail

if [[ -z "${KUBECONFIG:-}" ]]; then
  echo "contract-real-cluster: set KUBECONFIG to the kubeconfig of the cluster to test" >&2
  exit 2
fi
cd "$(dirname "$0")/.."

export SKIFF_CONTRACT_KUBECONFIG="${KUBECONFIG%%:*}"
export SKIFF_CONTRACT_NAMESPACE="${SKIFF_CONTRACT_NAMESPACE:-argo}"
export SKIFF_CONTRACT_TIMEOUT_MS="${SKIFF_CONTRACT_TIMEOUT_MS:-300000}"

if command -v kubectl >/dev/null 2>&1; then
  kubectl_args=()
  [[ -n "${SKIFF_CONTRACT_CONTEXT:-}" ]] && kubectl_args+=(--context "$SKIFF_CONTRACT_CONTEXT")
  if ! kubectl "${kubectl_args[@]}" get crd workflows.argoproj.io >/dev/null; then
    echo "contract-real-cluster: the Workflow CRD is missing: install Argo Workflows first" >&2
    exit 1
  fi
  for verb in create get list watch patch update; do
    if [[ "$(kubectl "${kubectl_args[@]}" auth can-i "$verb" workflows.argoproj.io -n "$SKIFF_CONTRACT_NAMESPACE")" != yes ]]; then
      echo "contract-real-cluster: this identity may not $verb workflows in $SKIFF_CONTRACT_NAMESPACE" >&2
      exit 1
    fi
  done
else
  echo "contract-real-cluster: kubectl not found; skipping the pre-flight checks" >&2
fi

echo "contract-real-cluster: namespace $SKIFF_CONTRACT_NAMESPACE, kubeconfig $SKIFF_CONTRACT_KUBECONFIG"
exec npx vitest run test/contract/argo.engine.test.ts \
  --testTimeout="$((SKIFF_CONTRACT_TIMEOUT_MS * 3))" --hookTimeout=120000
