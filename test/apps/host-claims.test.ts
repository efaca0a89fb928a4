import { hostsClaimedElsewhere } from '../../src/apps/host-claims.js';
import type { App, DeployConfig } from '../../src/store/types.js';

type Routed = Pick<DeployConfig, 'host' | 'routes'>;

const app = (name: string, deploy: Routed) => ({ name, deploy }) as App;
const others = [app('blog', { host: 'blog.example.com' }), app('docs', { routes: [{ host: 'docs.example.com', path: '/v1' }] })];

test.each<[string, Routed, Routed | undefined, { host: string; app: string }[]]>([
  ['a host nobody routes', { host: 'shop.example.com' }, undefined, []],
  ["another app's host", { host: 'blog.example.com' }, undefined, [{ host: 'blog.example.com', app: 'blog' }]],
  ["another app's host on another path", { routes: [{ host: 'docs.example.com', path: '/v2' }] }, undefined, [{ host: 'docs.example.com', app: 'docs' }]],
  ['a host the app had before (claimed before the rule, or kept)', { host: 'blog.example.com' }, { routes: [{ host: 'blog.example.com', path: '/x' }] }, []],
  ['only the new of several hosts', { host: 'shop.example.com', routes: [{ host: 'docs.example.com' }] }, { host: 'shop.example.com' }, [{ host: 'docs.example.com', app: 'docs' }]],
  ['no routes at all', {}, undefined, []],
])('%s', (_name, deploy, before, expected) => {
  expect(hostsClaimedElsewhere({ app: 'shop', deploy, ...(before ? { before } : {}), others })).toEqual(expected);
});

test('an app is never in its own way', () => {
  expect(hostsClaimedElsewhere({ app: 'blog', deploy: { host: 'blog.example.com' }, others })).toEqual([]);
});
