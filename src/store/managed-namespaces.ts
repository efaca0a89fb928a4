import type { AppStore } from './app-store.js';
import type { ProvisionStore } from './provision-store.js';

/**
 * The namespaces Slipway has put things in: where its apps run and where templates were
 * provisioned, sorted. What reads the cluster across apps goes namespace by namespace through
 * these, since Slipway's in-cluster RBAC grants nothing cluster-wide (deploy/kubernetes).
 */
export async function managedNamespaces(stores: { apps: AppStore; provisions: ProvisionStore }): Promise<string[]> {
  const apps = (await stores.apps.list()).map((a) => a.deploy.namespace);
  return [...new Set([...(await stores.provisions.namespaces()), ...apps])].sort();
}
