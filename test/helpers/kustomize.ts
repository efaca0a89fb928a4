import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const KUSTOMIZE_DIR = path.join(ROOT, 'deploy/kubernetes');

/** kubectl of the test control plane (test/env/k8s), as cluster-admin. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const bin = process.env.SLIPWAY_K8S_BIN;
  if (!bin || !process.env.KUBECONFIG) throw new Error('SLIPWAY_K8S_BIN/KUBECONFIG are not set: run tests with scripts/test.sh');
  const child = run(path.join(bin, 'kubectl'), args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin!.end(input);
  return (await child).stdout;
}

export type Rendered = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: unknown };

/**
 * A throw-away installation of deploy/kubernetes, as a user's overlay would make one, with names
 * of its own so concurrent runs never collide: Slipway in namespace `slipway-<id>`, one managed
 * app namespace `<id>-apps`, the ClusterRole renamed `slipway-deployer-<id>` (cluster-scoped),
 * generated secrets, and volume claims small enough for the test cluster's PersistentVolumes.
 */
export function testOverlay(id: string): { dir: string; namespace: string; managed: string; clusterRole: string; apiToken: string; secrets: Record<string, string>; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `slipway-incluster-${id}-`));
  const namespace = `slipway-${id}`;
  const managed = `${id}-apps`;
  const clusterRole = `slipway-deployer-${id}`;
  const apiToken = randomBytes(24).toString('hex');
  const redisPassword = randomBytes(24).toString('hex');
  // Every key of the Secret an install has (overlays/example/slipway-secrets.env.example), so a
  // test can see which pod may read which.
  const secrets: Record<string, string> = {
    SLIPWAY_API_TOKEN: apiToken,
    REDIS_PASSWORD: redisPassword,
    SLIPWAY_REDIS_URL: `redis://:${redisPassword}@slipway-redis:6379/0`,
    SLIPWAY_REGISTRY_USER: 'slipway',
    SLIPWAY_REGISTRY_PASSWORD: randomBytes(24).toString('hex'),
    SLIPWAY_SECRETS_KEY: randomBytes(32).toString('base64'),
  };
  const rel = (from: string, to: string) => path.relative(path.join(dir, from), path.join(KUSTOMIZE_DIR, to));
  const write = (sub: string, lines: string[]) => {
    mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, sub, 'kustomization.yaml'), `${lines.join('\n')}\n`);
  };
  // kustomize refuses absolute paths to bases: every path here is relative to the repo's.
  write('slipway', [
    `namespace: ${namespace}`,
    `resources: [${rel('slipway', 'base')}]`,
    'secretGenerator:',
    '  - name: slipway-secrets',
    `    literals: [${Object.entries(secrets).map(([k, v]) => JSON.stringify(`${k}=${v}`)).join(', ')}]`,
    'patches:',
    // The test cluster's PersistentVolumes are 1-10Gi.
    '  - target: { kind: StatefulSet }',
    '    patch: |-',
    '      - { op: replace, path: /spec/volumeClaimTemplates/0/spec/resources/requests/storage, value: 1Gi }',
  ]);
  write('managed', [
    `namespace: ${managed}`,
    `resources: [${rel('managed', 'app-namespace')}]`,
    'patches:',
    '  - target: { kind: RoleBinding }',
    '    patch: |-',
    `      - { op: replace, path: /subjects/0/namespace, value: ${namespace} }`,
  ]);
  write('.', [
    'resources: [slipway, managed]',
    'patches:',
    '  - target: { kind: ClusterRole, name: slipway-deployer }',
    '    patch: |-',
    `      - { op: replace, path: /metadata/name, value: ${clusterRole} }`,
  ]);
  return { dir, namespace, managed, clusterRole, apiToken, secrets, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The base with the given components (deploy/kubernetes/components/<name>), rendered. */
export async function renderWithComponents(components: string[]): Promise<Rendered[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-components-'));
  try {
    const rel = (to: string) => path.relative(dir, path.join(KUSTOMIZE_DIR, to));
    writeFileSync(path.join(dir, 'kustomization.yaml'), `resources: [${rel('base')}]\ncomponents: [${components.map((c) => rel(`components/${c}`)).join(', ')}]\n`);
    return await render(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `kubectl kustomize dir`, parsed. */
export async function render(dir: string): Promise<Rendered[]> {
  return parseAllDocuments(await kubectl(['kustomize', dir])).map((d) => d.toJSON() as Rendered);
}
