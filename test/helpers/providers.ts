import { randomUUID } from 'node:crypto';
import { signHmac } from './sign.js';

// Deliveries as each forge sends them, trimmed to the fields that matter plus enough context to stay
// recognisable. Shapes from: GitLab docs "Webhook events > Push events"; Gitea docs "Webhooks" and
// services/webhook/deliver.go (headers); the Bitbucket Cloud "Event payloads > Push" example.

export const ZERO_SHA = '0'.repeat(40);
const BEFORE = '95790bf891e76fee5e1747ab589903a6a1f80f22';

export interface DeliveryParams {
  secret: string;
  ref: string;
  sha: string;
  deliveryId?: string;
  /** The event header; defaults to the provider's push event. */
  event?: string;
  /** Replaces the payload built from ref/sha (e.g. another event type). */
  payload?: unknown;
  /** Replaces the body bytes entirely (e.g. malformed JSON), still signed. */
  body?: string;
}
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const bodyOf = (params: DeliveryParams, build: () => unknown) => params.body ?? JSON.stringify(params.payload ?? build());
const refName = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');
const isTag = (ref: string) => ref.startsWith('refs/tags/');

export function gitlabPushPayload(params: { ref: string; sha: string; checkoutSha?: string }): Record<string, unknown> {
  const deleted = params.sha === ZERO_SHA;
  const web = 'https://gitlab.example.com/mike/diaspora';
  const urls = { git_ssh_url: 'git@gitlab.example.com:mike/diaspora.git', git_http_url: `${web}.git` };
  const commit = { id: params.checkoutSha ?? params.sha, message: 'Update Catalan translation to e38cb41.\n', title: 'Update Catalan translation to e38cb41.', timestamp: '2011-12-12T14:27:31+02:00', url: `${web}/-/commit/${params.sha}`, author: { name: 'Jordi Mallach', email: 'jordi@softcatala.org' }, added: ['CHANGELOG'], modified: ['app/controller/application.rb'], removed: [] };
  return {
    object_kind: isTag(params.ref) ? 'tag_push' : 'push', event_name: isTag(params.ref) ? 'tag_push' : 'push',
    before: BEFORE, after: params.sha, ref: params.ref, ref_protected: true, checkout_sha: deleted ? null : (params.checkoutSha ?? params.sha),
    message: null, user_id: 4, user_name: 'John Smith', user_username: 'jsmith', user_email: 'john@example.com', user_avatar: 'https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80', project_id: 15,
    project: { id: 15, name: 'Diaspora', description: '', web_url: web, avatar_url: null, ...urls, namespace: 'Mike', visibility_level: 0, path_with_namespace: 'mike/diaspora', default_branch: 'master', homepage: web },
    commits: deleted ? [] : [commit], total_commits_count: deleted ? 0 : 1, push_options: {},
    repository: { name: 'Diaspora', url: urls.git_ssh_url, description: '', homepage: web, ...urls, visibility_level: 0 },
  };
}

/** GitLab sends the secret token itself; `deliveryId` is the Idempotency-Key (GitLab 17.4+). */
export function signedGitlabDelivery(params: DeliveryParams): Delivery {
  return {
    body: bodyOf(params, () => gitlabPushPayload(params)),
    headers: {
      'content-type': 'application/json', 'user-agent': 'GitLab/17.8.1', 'x-gitlab-instance': 'https://gitlab.example.com',
      'x-gitlab-event': params.event ?? (isTag(params.ref) ? 'Tag Push Hook' : 'Push Hook'),
      'x-gitlab-token': params.secret,
      'x-gitlab-webhook-uuid': randomUUID(),
      'x-gitlab-event-uuid': randomUUID(),
      'idempotency-key': params.deliveryId ?? randomUUID(),
    },
  };
}

export function giteaPushPayload(params: { ref: string; sha: string }): Record<string, unknown> {
  const deleted = params.sha === ZERO_SHA;
  const web = 'https://gitea.example.com/gitea/webhooks';
  const user = { id: 1, login: 'gitea', full_name: 'Gitea', email: 'someone@gitea.io', avatar_url: 'https://gitea.example.com/avatars/1', username: 'gitea' };
  const who = { name: 'Gitea', email: 'someone@gitea.io', username: 'gitea' };
  const commit = { id: params.sha, message: 'Webhooks Yay!', url: `${web}/commit/${params.sha}`, author: who, committer: who, verification: null, timestamp: '2017-03-13T13:52:11-04:00', added: [], removed: [], modified: ['README.md'] };
  return {
    ref: params.ref, before: BEFORE, after: params.sha, compare_url: deleted ? '' : `${web}/compare/${BEFORE}...${params.sha}`,
    commits: deleted ? [] : [commit], total_commits: deleted ? 0 : 1, head_commit: deleted ? null : commit,
    repository: { id: 140, owner: user, name: 'webhooks', full_name: 'gitea/webhooks', private: false, fork: false, html_url: web, ssh_url: 'git@gitea.example.com:gitea/webhooks.git', clone_url: `${web}.git`, default_branch: 'master' },
    pusher: user, sender: user,
  };
}

/** Every header Gitea sends (deliver.go addDefaultHeaders); `forgejo` adds Forgejo's `X-Forgejo-*` copies. */
export function signedGiteaDelivery(params: DeliveryParams & { forgejo?: boolean }): Delivery {
  const body = bodyOf(params, () => giteaPushPayload(params));
  const event = params.event ?? 'push';
  const id = params.deliveryId ?? randomUUID();
  const sig = signHmac({ secret: params.secret, body, algorithm: 'sha256' });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hub-signature': `sha1=${signHmac({ secret: params.secret, body, algorithm: 'sha1' })}`,
    'x-hub-signature-256': `sha256=${sig}`,
  };
  for (const family of params.forgejo ? ['forgejo', 'gitea', 'gogs', 'github'] : ['gitea', 'gogs', 'github']) {
    Object.assign(headers, { [`x-${family}-delivery`]: id, [`x-${family}-event`]: event, [`x-${family}-event-type`]: event });
    if (family !== 'github') headers[`x-${family}-signature`] = sig;
  }
  return { body, headers };
}

/** One `push.changes[]` entry: the ref moved to `sha`, or deleted (`new: null`) when `sha` is all zeros. */
export function bitbucketChange(params: { ref: string; sha: string }): Record<string, unknown> {
  const web = 'https://bitbucket.org/team_name/repo_name';
  const type = isTag(params.ref) ? 'tag' : 'branch';
  const name = refName(params.ref);
  const state = (hash: string) => ({
    type, name,
    target: { type: 'commit', hash, message: 'new commit message\n', date: '2015-06-09T03:34:49+00:00', author: { type: 'author', raw: 'Emma <emma@example.com>' }, parents: [], links: { html: { href: `${web}/commits/${hash}` } } },
    links: { html: { href: `${web}/branch/${name}` } },
  });
  const deleted = params.sha === ZERO_SHA;
  return {
    old: state(BEFORE), new: deleted ? null : state(params.sha),
    created: false, forced: false, closed: deleted, truncated: false,
    commits: deleted ? [] : [{ type: 'commit', hash: params.sha, message: 'new commit message\n' }],
    links: { html: { href: `${web}/branches/compare/${params.sha}..${BEFORE}` } },
  };
}

export function bitbucketPushPayload(params: { changes: Array<Record<string, unknown>> }): Record<string, unknown> {
  return {
    actor: { type: 'user', display_name: 'Emma', uuid: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}', nickname: 'emmap1' },
    repository: { type: 'repository', name: 'repo_name', full_name: 'team_name/repo_name', uuid: '{673a6070-3421-46c9-9d48-90745f7bfe8e}', scm: 'git', is_private: true, links: { html: { href: 'https://bitbucket.org/team_name/repo_name' } } },
    push: { changes: params.changes },
  };
}

/** `X-Hook-UUID` names the webhook, so it is the same on every delivery; `X-Request-UUID` is the delivery. */
export const BITBUCKET_HOOK_UUID = '81424cfd-6ea3-47d0-bb73-ae76bb3fb3a0';

export function signedBitbucketDelivery(params: DeliveryParams): Delivery {
  const body = bodyOf(params, () => bitbucketPushPayload({ changes: [bitbucketChange(params)] }));
  return {
    body,
    headers: {
      'content-type': 'application/json', 'user-agent': 'Bitbucket-Webhooks/2.0',
      'x-event-key': params.event ?? 'repo:push', 'x-event-time': 'Tue, 19 Feb 2019 22:31:30 GMT', 'x-attempt-number': '1',
      'x-hook-uuid': BITBUCKET_HOOK_UUID,
      'x-request-uuid': params.deliveryId ?? randomUUID(),
      'x-hub-signature': `sha256=${signHmac({ secret: params.secret, body, algorithm: 'sha256' })}`,
    },
  };
}

/** The generic hook: the secret belongs in the URL path (`/hooks/generic/:app/:secret`), returned as `pathSecret`. */
export function genericDelivery(params: Omit<DeliveryParams, 'event'> & { repo?: string }): Delivery & { pathSecret: string } {
  const body = bodyOf(params, () => ({ ref: params.ref, sha: params.sha, ...(params.repo ? { repo: params.repo } : {}) }));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (params.deliveryId) headers['x-slipway-delivery'] = params.deliveryId;
  return { body, headers, pathSecret: params.secret };
}
