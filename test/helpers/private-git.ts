import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

// issue 19, private repos: git servers on this machine that serve a repo only to a caller with
// its credential. Their repos live in a directory of their own, never under SLIPWAY_GIT_ROOT,
// which the local git daemon serves to anyone.

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/apps');

export interface PrivateRepo {
  /** Absolute path of the bare repo. */
  bare: string;
  /** Its name under the server's root (`<name>.git`). */
  file: string;
  sha: string;
  branch: string;
}

/** A fixture app (with `files` written over it) committed into a fresh bare repo under `root` (one commit on `main`). */
export async function privateRepo(params: { root: string; fixture: string; files?: Record<string, string> }): Promise<PrivateRepo> {
  const file = `${params.fixture}-${randomUUID().slice(0, 8)}.git`;
  const bare = path.join(params.root, file);
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-private-fixture-'));
  try {
    await cp(path.join(FIXTURES, params.fixture), work, { recursive: true });
    for (const [file, text] of Object.entries(params.files ?? {})) await writeFile(path.join(work, file), text);
    await simpleGit().raw(['init', '--bare', '-q', '-b', 'main', bare]);
    const git = simpleGit(work);
    await git.init(['-q', '-b', 'main']);
    await git.addConfig('user.name', 'Fixture').addConfig('user.email', 'fixture@example.test');
    await git.add('.').commit(`${params.fixture}: initial`);
    await git.addRemote('origin', bare).push('origin', 'main');
    return { bare, file, sha: (await git.revparse(['HEAD'])).trim(), branch: 'main' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface HttpGitServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  root: string;
  /** Every request's path and whether it carried the right credential, in order. */
  requests: Array<{ path: string; authorised: boolean }>;
  close(): Promise<void>;
}

/**
 * git's smart HTTP protocol from `git http-backend` (the CGI of Debian's git package) behind
 * HTTP Basic auth: anything without `user:token` gets 401, as GitHub or GitLab answer for a
 * private repo. Plain HTTP on 127.0.0.1 (TLS would add a CA to trust and change nothing of what
 * git sends: the same askpass answers the same 401).
 */
export async function startHttpGitServer(params: { user: string; token: string }): Promise<HttpGitServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'slipway-http-git-'));
  const expected = `Basic ${Buffer.from(`${params.user}:${params.token}`).toString('base64')}`;
  const requests: HttpGitServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const authorised = req.headers.authorization === expected;
    requests.push({ path: url.pathname, authorised });
    if (!authorised) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' }).end('authentication required\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: params.user,
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let sent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (sent) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name!] = value;
      }
      res.writeHead(status, headers);
      sent = true;
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(root, { recursive: true, force: true });
    },
  };
}
