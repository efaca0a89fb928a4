import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface RealNode {
  name: string;
  /** SLIPWAY_POD_NODE_SELECTOR / SLIPWAY_POD_TOLERATIONS values that put an install's pods there. */
  placement: { SLIPWAY_POD_NODE_SELECTOR: string; SLIPWAY_POD_TOLERATIONS: string };
}

/**
 * The real node of the local cluster (test/env/node), as ~/.cache/slipway/state/env.sh names it,
 * checked to be in the cluster and Ready.
 */
export async function realNode(kc: KubeConfig): Promise<RealNode> {
  const name = process.env.SLIPWAY_REAL_NODE;
  const selector = process.env.SLIPWAY_REAL_NODE_SELECTOR;
  const tolerations = process.env.SLIPWAY_REAL_NODE_TOLERATIONS;
  if (!name || !selector || !tolerations) {
    throw new Error('SLIPWAY_REAL_NODE(_SELECTOR, _TOLERATIONS) not set: run with bash bench/run.sh (test/env/start.sh starts the real node)');
  }
  const node = await kc.makeApiClient(CoreV1Api).readNode({ name }).catch((error: unknown) => {
    throw new Error(`the real node ${name} is not in the cluster (test/env/node/start.sh): ${String(error)}`);
  });
  if (!node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) throw new Error(`the real node ${name} is not Ready`);
  return { name, placement: { SLIPWAY_POD_NODE_SELECTOR: selector, SLIPWAY_POD_TOLERATIONS: tolerations } };
}
