import { ApisApi, type KubeConfig } from '@kubernetes/client-node';
import { SlipwayError } from '../../errors.js';
import { kubeMessage } from './apply.js';

/** The API group cert-manager's CRDs (Certificate, Issuer, ClusterIssuer) serve. */
const CERT_MANAGER_GROUP = 'cert-manager.io';

/**
 * Refuses an issuer annotation the cluster cannot act on: without cert-manager the Ingress would
 * name a Secret nobody writes, and the host would be served the controller's default certificate
 * with no error anywhere. Asks API discovery, which every authenticated client may read (no CRD
 * read permission needed).
 */
export async function requireCertManager(kc: KubeConfig): Promise<void> {
  const groups = await kc
    .makeApiClient(ApisApi)
    .getAPIVersions()
    .catch((error: unknown) => {
      throw new SlipwayError('CLUSTER_UNREACHABLE', `asking the cluster for cert-manager failed: ${kubeMessage(error)}`);
    });
  if (!groups.groups.some((g) => g.name === CERT_MANAGER_GROUP)) {
    throw new SlipwayError('CERT_MANAGER_MISSING', `the cluster has no cert-manager (no ${CERT_MANAGER_GROUP} API): install it, or give the host's TLS as a Secret (--tls-secret)`, {
      group: CERT_MANAGER_GROUP,
    });
  }
}
