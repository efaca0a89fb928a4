import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { CoreV1Api, DiscoveryV1Api, Exec, type V1Pod, type V1Status } from '@kubernetes/client-node';
import type Docker from 'dockerode';
import { LOCAL_IMAGE_PREFIX } from '../../src/builds/builder-definition.js';
import { followProgress } from '../../src/builds/docker-build.js';
import { renderPullSecret } from '../../src/releases/render/pull-secret.js';
import { createDocker } from '../../src/services/docker-client.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { testConfig } from '../helpers/config.js';
import { requireRealNode } from '../helpers/real-node.js';
import { waitFor } from '../helpers/wait.js';

// Service networking of the real test node (test/env/node): kube-proxy's Service rules and
// the cluster DNS (CoreDNS on the host, on the pod bridge's address). A pod resolves a
// Service by its full and its short name, reaches the pod behind it by name and by
// ClusterIP, and resolves nothing outside the cluster (asked, never connected to). The fences
// still hold: the Service and the DNS server are out of reach of a container on the build
// network, while this host reaches both (the control that they are up), and a Service is no
// way from one build container to another (kube-proxy would otherwise let it through).
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const config = testConfig();
const docker = createDocker(config.dockerHost);
const NAMESPACE = `nnet-${randomUUID().slice(0, 8)}`;
const SOURCE_IMAGE = `${LOCAL_IMAGE_PREFIX}node:20-bookworm-slim`;
const IMAGE = `${config.registry.host.split('/')[0]}/slipway-env-test/node:20-bookworm-slim`;
const run = promisify(execFile);

/** Answers every request with the name of the pod it runs in, on 8080 (the Service maps 80 to it). */
const SERVER = "require('http').createServer((q, s) => s.end(JSON.stringify({ pod: require('os').hostname() }))).listen(8080)";
/** Prints, as JSON, what getaddrinfo (resolv.conf, search path) says of each name in argv. */
const LOOKUP = `const dns = require('dns');
Promise.all(process.argv.slice(1).map((name) => dns.promises.lookup(name, { family: 4 }).then((r) => [name, r.address], (e) => [name, 'error ' + e.code])))
  .then((pairs) => console.log(JSON.stringify(Object.fromEntries(pairs))));`;
/** Asks the name server of resolv.conf for each name's A record directly (no search path): its own answer code. */
const RESOLVE = `const dns = require('dns');
Promise.all(process.argv.slice(1).map((name) => dns.promises.resolve4(name).then((a) => [name, a.join(',')], (e) => [name, 'error ' + e.code])))
  .then((pairs) => console.log(JSON.stringify(Object.fromEntries(pairs))));`;
/** GETs each URL in argv: status and body, or the error code. */
const FETCH = `const http = require('http');
const get = (url) => new Promise((resolve) => {
  const req = http.get(url, { timeout: 10000 }, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve([url, res.statusCode + ' ' + body])); });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (e) => resolve([url, 'error ' + e.code]));
});
Promise.all(process.argv.slice(1).map(get)).then((pairs) => console.log(JSON.stringify(Object.fromEntries(pairs))));`;
/** Listens on 9999 and logs every connection it gets. */
const DECOY = "require('net').createServer((s) => { console.log('hit from ' + s.remoteAddress); s.destroy(); }).listen(9999, () => console.log('listening'))";
/** bash: one line per "name=host:port" argument, whether a TCP connection opens within 5 s. */
const PROBE = 'for p in "$@"; do n=${p%%=*}; t=${p#*=}; if timeout 5 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>/dev/null; then r=REACHED; else r=blocked; fi; echo "probe $n $t: $r"; done';

let web: V1Pod;
let client: V1Pod;
let clusterIP: string;
let nameserver: string;

beforeAll(async () => {
  await requireRealNode(kc);
  await pushImage();
  await core.createNamespace({ body: { metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'slipway-test-env' } } } });
  const pullSecret = renderPullSecret({ namespace: NAMESPACE, registry: config.registry });
  if (!pullSecret) throw new Error('SLIPWAY_REGISTRY_USER/_PASSWORD not set: the test registry needs credentials');
  await core.createNamespacedSecret({ namespace: NAMESPACE, body: pullSecret });
  await core.createNamespacedService({
    namespace: NAMESPACE,
    body: { metadata: { name: 'web' }, spec: { selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  });
  await core.createNamespacedPod({ namespace: NAMESPACE, body: podFor({ name: 'web', command: ['node', '-e', SERVER], probe: true, pullSecret: pullSecret.metadata.name }) });
  await core.createNamespacedPod({ namespace: NAMESPACE, body: podFor({ name: 'client', command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'], pullSecret: pullSecret.metadata.name }) });
  [web, client] = await Promise.all([readyPod('web'), readyPod('client')]);
  clusterIP = (await core.readNamespacedService({ namespace: NAMESPACE, name: 'web' })).spec!.clusterIP!;
  // Service rules exist once the EndpointSlice names the ready pod and kube-proxy synced it;
  // this host asks through them as a pod does (the OUTPUT path), so wait on an answer.
  await waitFor({ timeoutMs: 30_000, intervalMs: 500, check: async () => ((await hostGet(`http://${clusterIP}/`)).startsWith('200 ') ? true : undefined), message: () => `${clusterIP}:80 never answered from this host` });
  const resolvConf = (await exec(client, ['cat', '/etc/resolv.conf'])).stdout;
  nameserver = /^nameserver (\S+)$/m.exec(resolvConf)?.[1] ?? '';
}, 240_000);

afterAll(() => deleteNamespace(kc, NAMESPACE));

test("a pod's resolv.conf names the cluster DNS with the search path of its namespace", async () => {
  const resolvConf = (await exec(client, ['cat', '/etc/resolv.conf'])).stdout;
  expect(resolvConf.match(/^nameserver .*/gm)).toEqual([`nameserver ${nameserver}`]);
  expect(resolvConf).toMatch(new RegExp(`^search ${NAMESPACE}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local$`, 'm'));
  // The pod bridge's own address on this host (the pod's default gateway), not a ClusterIP.
  const route = (await exec(client, ['cat', '/proc/net/route'])).stdout;
  const gateway = route.split('\n').map((line) => line.split('\t')).find((f) => f[1] === '00000000')?.[2];
  expect(gateway).toBeDefined();
  const gatewayAddress = gateway!.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.');
  expect(nameserver).toBe(gatewayAddress);
});

test('a pod resolves a Service by its full name and by its short name, to its ClusterIP', async () => {
  const answers = await inClient(LOOKUP, [`web.${NAMESPACE}.svc.cluster.local`, 'web', `web.${NAMESPACE}`]);
  expect(answers).toEqual({ [`web.${NAMESPACE}.svc.cluster.local`]: clusterIP, web: clusterIP, [`web.${NAMESPACE}`]: clusterIP });
  // A name of the zone that is no Service: the server says so (NXDOMAIN), it does not fail.
  expect(await inClient(RESOLVE, [`missing.${NAMESPACE}.svc.cluster.local`])).toEqual({ [`missing.${NAMESPACE}.svc.cluster.local`]: 'error ENOTFOUND' });
});

test('a pod reaches the pod behind a Service by name and by ClusterIP (port 80 to the pod\'s 8080)', async () => {
  const urls = ['http://web/', `http://web.${NAMESPACE}.svc.cluster.local/`, `http://${clusterIP}/`];
  const answers = await inClient(FETCH, urls);
  const behind = `200 ${JSON.stringify({ pod: web.metadata!.name })}`;
  expect(answers).toEqual(Object.fromEntries(urls.map((url) => [url, behind])));
  // Nothing listens on the pod's port 80 itself: the answer on 80 came through the Service rules.
  expect(await inClient(FETCH, [`http://${web.status!.podIP}/`])).toEqual({ [`http://${web.status!.podIP}/`]: 'error ECONNREFUSED' });
});

test('a pod resolves no name outside the cluster: the cluster DNS refuses them, and nothing is connected to', async () => {
  // resolve4 asks the server of resolv.conf as is: REFUSED is its own answer (not a timeout,
  // not an upstream's), next to a cluster name answered on the same path (the control).
  const direct = await inClient(RESOLVE, ['example.com', `web.${NAMESPACE}.svc.cluster.local`]);
  expect(direct).toEqual({ 'example.com': 'error EREFUSED', [`web.${NAMESPACE}.svc.cluster.local`]: clusterIP });
  // And through getaddrinfo with the search path, as any program in the pod resolves: every
  // <name>.<search domain> is NXDOMAIN and the bare name REFUSED, which glibc reports as EAI_AGAIN.
  expect(await inClient(LOOKUP, ['example.com'])).toEqual({ 'example.com': 'error EAI_AGAIN' });
});

test('a container on the build network reaches the pods through no Service and not the cluster DNS; this host reaches them', async () => {
  const probes = [`service=${clusterIP}:80`, `pod=${web.status!.podIP}:8080`, `cluster-dns=${nameserver}:53`];
  const fromHost = (await run('bash', ['-c', PROBE, 'probe', ...probes])).stdout;
  for (const probe of probes) expect(fromHost).toContain(`probe ${probe.replace('=', ' ')}: REACHED`);

  const fromBuild = await onBuildNetwork({ image: `${LOCAL_IMAGE_PREFIX}debian:bookworm`, cmd: ['bash', '-c', PROBE, 'probe', ...probes] });
  try {
    await fromBuild.wait();
    const logs = (await fromBuild.logs({ stdout: true, stderr: true })).toString();
    for (const probe of probes) expect(logs).toContain(`probe ${probe.replace('=', ' ')}: blocked`);
  } finally {
    await fromBuild.remove({ force: true });
  }
});

test('a Service is no way around the build network fence, whatever its endpoints', async () => {
  // kube-proxy DNATs a ClusterIP wherever the packet comes from and ACCEPTs what it marked for
  // masquerading in FORWARD, ahead of dockerd's rules. A Service whose endpoint is a container
  // on the build network itself (which build containers may not reach: deploy/build-network.sh)
  // would be a way from one build to another if the node's fence did not refuse it.
  const decoy = await onBuildNetwork({ image: SOURCE_IMAGE, cmd: ['node', '-e', DECOY] });
  try {
    await waitFor({ timeoutMs: 30_000, check: async () => ((await decoy.logs({ stdout: true })).toString().includes('listening') ? true : undefined), message: () => 'the decoy on the build network never listened' });
    const decoyIP = (await decoy.inspect()).NetworkSettings.Networks[config.buildNetwork]!.IPAddress;
    await core.createNamespacedService({ namespace: NAMESPACE, body: { metadata: { name: 'decoy' }, spec: { ports: [{ name: 'tcp', port: 80 }] } } });
    await kc.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'decoy', labels: { 'kubernetes.io/service-name': 'decoy', 'endpointslice.kubernetes.io/managed-by': 'slipway-test-env' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [decoyIP], conditions: { ready: true } }],
        ports: [{ name: 'tcp', port: 9999, protocol: 'TCP' }],
      },
    });
    const decoyService = (await core.readNamespacedService({ namespace: NAMESPACE, name: 'decoy' })).spec!.clusterIP!;
    // The control: kube-proxy does send the ClusterIP to the decoy. (Not by connecting: this
    // host may not open connections into the build network either.)
    await waitFor({
      timeoutMs: 30_000,
      intervalMs: 500,
      check: async () => ((await run('iptables-save', ['-t', 'nat'])).stdout.includes(`-j DNAT --to-destination ${decoyIP}:9999`) ? true : undefined),
      message: () => `kube-proxy wrote no DNAT of ${decoyService}:80 to ${decoyIP}:9999`,
    });

    const probes = [`decoy-service=${decoyService}:80`];
    const fromBuild = await onBuildNetwork({ image: `${LOCAL_IMAGE_PREFIX}debian:bookworm`, cmd: ['bash', '-c', PROBE, 'probe', ...probes] });
    try {
      await fromBuild.wait();
      expect((await fromBuild.logs({ stdout: true, stderr: true })).toString()).toContain(`probe decoy-service ${decoyService}:80: blocked`);
    } finally {
      await fromBuild.remove({ force: true });
    }
    expect((await decoy.logs({ stdout: true })).toString()).not.toContain('hit');
  } finally {
    await decoy.remove({ force: true });
  }
});

/** A container on the build network (deploy/build-network.sh), started. */
async function onBuildNetwork(params: { image: string; cmd: string[] }): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: params.image,
    Cmd: params.cmd,
    Labels: { 'app.kubernetes.io/managed-by': 'slipway-test-env' },
    HostConfig: { NetworkMode: config.buildNetwork },
  });
  await container.start();
  return container;
}

/** The Node.js stand-in, pushed to the test registry (where the node pulls from). */
async function pushImage(): Promise<void> {
  const [repo, tag] = [IMAGE.slice(0, IMAGE.lastIndexOf(':')), IMAGE.slice(IMAGE.lastIndexOf(':') + 1)];
  await docker.getImage(SOURCE_IMAGE).tag({ repo, tag });
  const { username, password, host } = config.registry;
  const stream = await docker.getImage(IMAGE).push({ authconfig: { username, password, serveraddress: host.split('/')[0] } });
  await followProgress({ docker, stream, onMessage: () => undefined });
}

function podFor(params: { name: string; command: string[]; probe?: boolean; pullSecret: string }) {
  return {
    metadata: { name: params.name, labels: { 'app.kubernetes.io/name': params.name, 'app.kubernetes.io/managed-by': 'slipway-test-env' } },
    spec: {
      nodeSelector: { 'slipway.dev/node': 'real' },
      tolerations: [{ key: 'slipway.dev/real-node', operator: 'Exists', effect: 'NoSchedule' }],
      imagePullSecrets: [{ name: params.pullSecret }],
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: params.command,
          ...(params.probe ? { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } } : {}),
        },
      ],
    },
  };
}

async function readyPod(name: string): Promise<V1Pod> {
  let seen = '';
  return waitFor({
    timeoutMs: 180_000,
    intervalMs: 500,
    check: async () => {
      const pod = await core.readNamespacedPod({ namespace: NAMESPACE, name });
      seen = `${pod.spec?.nodeName} ${pod.status?.phase} ${JSON.stringify(pod.status?.containerStatuses?.[0]?.state ?? {})}`;
      return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? pod : undefined;
    },
    message: () => `pod ${name} is not Ready: ${seen}`,
  });
}

/** Runs `node -e script args...` in the client pod; its one line of JSON output. */
async function inClient(script: string, args: string[]): Promise<Record<string, string>> {
  const { stdout, stderr } = await exec(client, ['node', '-e', script, ...args]);
  try {
    return JSON.parse(stdout) as Record<string, string>;
  } catch {
    throw new Error(`node in ${client.metadata!.name} printed no JSON: ${stdout} ${stderr}`);
  }
}

/** Runs `command` in the pod's container through the API server (kubectl exec). */
async function exec(pod: V1Pod, command: string[]): Promise<{ stdout: string; stderr: string }> {
  const collect = () => {
    const chunks: Buffer[] = [];
    return { stream: new Writable({ write: (chunk: Buffer, _encoding, done) => { chunks.push(chunk); done(); } }), text: () => Buffer.concat(chunks).toString() };
  };
  const [stdout, stderr] = [collect(), collect()];
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exec in ${pod.metadata!.name} did not end in 60 s: ${command.join(' ')}`)), 60_000);
    new Exec(kc)
      .exec(NAMESPACE, pod.metadata!.name!, 'main', command, stdout.stream, stderr.stream, null, false, (s) => {
        clearTimeout(timer);
        resolve(s);
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        reject(error);
      });
  });
  if (status.status !== 'Success') throw new Error(`exec ${command[0]} in ${pod.metadata!.name}: ${status.message ?? status.status}\n${stderr.text()}`);
  return { stdout: stdout.text(), stderr: stderr.text() };
}

/** GET from this host: "status body", or "error CODE". */
function hostGet(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
  });
}
