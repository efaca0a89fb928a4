import { withRestrictedDefaults } from '../../src/releases/render/security-context.js';

const POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

describe('withRestrictedDefaults: what a template leaves unset of Pod Security `restricted` is filled in', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['an empty pod spec', { containers: [{ name: 'a' }] }, { securityContext: POD, containers: [{ name: 'a', securityContext: CONTAINER }] }],
    [
      'the template\'s own user and seccomp profile win',
      { securityContext: { runAsUser: 999, fsGroup: 999, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, containers: [{ name: 'a' }] },
      { securityContext: { runAsNonRoot: true, runAsUser: 999, fsGroup: 999, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, containers: [{ name: 'a', securityContext: CONTAINER }] },
    ],
    [
      'ALL joins a drop list that lacks it; added capabilities stay',
      { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE'] } } }] },
      { securityContext: POD, containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW', 'ALL'], add: ['NET_BIND_SERVICE'] } } }] },
    ],
    [
      'a privileged container gets no allowPrivilegeEscalation: false (Kubernetes refuses the pair)',
      { containers: [{ name: 'a', securityContext: { privileged: true } }] },
      { securityContext: POD, containers: [{ name: 'a', securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } }] },
    ],
    [
      'an explicit runAsNonRoot: false is the template\'s (Pod Security refuses the pod, visibly)',
      { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: true } }] },
      { securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } } }] },
    ],
    [
      'init and ephemeral containers too',
      { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'e' }] },
      { securityContext: POD, initContainers: [{ name: 'i', securityContext: CONTAINER }], containers: [{ name: 'a', securityContext: CONTAINER }], ephemeralContainers: [{ name: 'e', securityContext: CONTAINER }] },
    ],
  ])('%s', (_name, spec, expected) => {
    const before = structuredClone(spec);
    expect(withRestrictedDefaults(spec)).toEqual(expected);
    expect(spec).toEqual(before);
  });
});
