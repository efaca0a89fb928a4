import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { App } from '../../src/store/types.js';
import { branchPattern, decidePush, type PushEvent } from '../../src/webhooks/push-event.js';

const app: App = { name: 'shop', repo: 'https://example.com/shop.git', branch: 'main', contextDir: '.', buildArgs: {}, port: 8080, deploy: defaultDeployConfig('shop'), createdAt: '' };
const sha = 'b'.repeat(40);
const push = (patch: Partial<PushEvent>): PushEvent => ({ provider: 'github', deliveryId: 'd', kind: 'push', eventName: 'push', ref: 'refs/heads/main', sha, deleted: false, ...patch });

describe('decidePush', () => {
  test.each([
    ['push to the tracked branch', push({}), { build: true, branch: 'main' }],
    ['ping', push({ kind: 'ping', eventName: 'ping' }), { build: false, reason: 'ping' }],
    ['other event', push({ kind: 'other', eventName: 'issues' }), { build: false, reason: 'event "issues" is not a push' }],
    ['tag push', push({ ref: 'refs/tags/v1.0.0' }), { build: false, reason: 'tag push' }],
    ['other branch', push({ ref: 'refs/heads/feature' }), { build: false, reason: 'branch not tracked' }],
    ['branch deleted', push({ deleted: true, sha: '0'.repeat(40) }), { build: false, reason: 'branch deleted' }],
    ['not a branch ref', push({ ref: 'refs/notes/commits' }), { build: false, reason: 'ref "refs/notes/commits" is not a branch' }],
    ['branch name containing slashes', push({ ref: 'refs/heads/main/x' }), { build: false, reason: 'branch not tracked' }],
  ])('%s', (_name, event, expected) => {
    expect(decidePush(app, event)).toEqual(expected);
  });
});

describe('branch filters', () => {
  const filtered = { ...app, branches: ['main', 'release/*', 'hotfix/**'] };
  test.each([
    ['main', true],
    ['release/1.2', true],
    ['release/1.2/rc', false],
    ['hotfix/a/b', true],
    ['feature/x', false],
    ['mainline', false],
  ])('%s → %s', (branch, built) => {
    expect(decidePush(filtered, push({ ref: `refs/heads/${branch}` })).build).toBe(built);
  });
  test('regex characters in a pattern are literal', () => {
    expect(branchPattern('v1.2+').test('v1.2+')).toBe(true);
    expect(branchPattern('v1.2+').test('v1x22')).toBe(false);
  });
});
