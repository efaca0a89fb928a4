import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';

/**
 * The cluster Slipway deploys to: the kubeconfig at `path` if given, else the usual
 * defaults (KUBECONFIG, ~/.kube/config, or the in-cluster service account).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

export function objectApi(kc: KubeConfig): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(kc);
}
