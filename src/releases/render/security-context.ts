// The Pod Security `restricted` profile as Slipway writes it into pod specs (issue 14). App
// namespaces enforce that level; Slipway's own pods meet it, and pod specs a template brings get
// whatever of it they leave unset.

type Obj = Record<string, unknown>;

/** Pod level: never root (Slipway's images run as 1001), the runtime's default seccomp profile. */
export function restrictedPodContext(): Obj {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container level: no privilege escalation (setuid binaries, file capabilities), every capability dropped. */
export function restrictedContainerContext(): Obj {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of `spec` with the restricted fields it leaves unset filled in; what it sets stays as it
 * is (a template's `runAsUser: 999` and its own seccomp profile win), except that ALL is always
 * among the dropped capabilities (those a container adds are granted after the drop). A privileged
 * container keeps allowPrivilegeEscalation unset: Kubernetes refuses privileged with it false. Pure.
 */
export function withRestrictedDefaults(spec: Obj): Obj {
  const out = structuredClone(spec);
  const pod = isObj(out.securityContext) ? out.securityContext : {};
  out.securityContext = { ...restrictedPodContext(), ...pod };
  for (const list of CONTAINER_LISTS) {
    const containers = out[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers.filter(isObj)) container.securityContext = restrictedContainer(container.securityContext);
  }
  return out;
}

function restrictedContainer(given: unknown): Obj {
  const context = isObj(given) ? { ...given } : {};
  if (context.allowPrivilegeEscalation === undefined && context.privileged !== true) context.allowPrivilegeEscalation = false;
  const capabilities = isObj(context.capabilities) ? { ...context.capabilities } : {};
  // Restricted wants ALL in the drop list; capabilities a container adds are granted after the drop.
  const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
  capabilities.drop = drop.includes('ALL') ? drop : [...drop, 'ALL'];
  context.capabilities = capabilities;
  return context;
}
