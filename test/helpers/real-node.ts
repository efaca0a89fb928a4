import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/**
 * Install settings that put an app's pods on the test cluster's REAL node (test/env/node): the
 * install-wide placement test/env exports, and release verification on (the default of a real
 * install; testConfig turns it off for kwok's pods, which cannot answer).
 */
export function realNodeConfig(): Record<string, string> {
  const { SLIPWAY_REAL_NODE_SELECTOR: selector, SLIPWAY_REAL_NODE_TOLERATIONS: tolerations } = process.env;
  if (!selector || !tolerations) throw new Error('SLIPWAY_REAL_NODE_SELECTOR/_TOLERATIONS not set: run tests with scripts/test.sh (test/env/start.sh starts the real node)');
  return { SLIPWAY_POD_NODE_SELECTOR: selector, SLIPWAY_POD_TOLERATIONS: tolerations, SLIPWAY_VERIFY_RELEASES: 'true' };
}

/** Fails loudly unless the real node is in the cluster and Ready: a suite about real pods never runs on kwok by mistake. */
export async function requireRealNode(kc: KubeConfig): Promise<string> {
  const name = process.env.SLIPWAY_REAL_NODE;
  if (!name) throw new Error('SLIPWAY_REAL_NODE not set: run tests with scripts/test.sh (test/env/start.sh starts the real node)');
  const node = await kc.makeApiClient(CoreV1Api).readNode({ name }).catch((error: unknown) => {
    throw new Error(`the real node ${name} is not in the cluster (test/env/node/start.sh): ${String(error)}`);
  });
  if (!node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) throw new Error(`the real node ${name} is not Ready`);
  return name;
}
