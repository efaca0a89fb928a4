import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { generateDockerfile } from '../../src/builds/generate-dockerfile.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';

// Every builder's image must run as uid 1001 AND as any uid a namespace assigns, always with
// group 0 (OpenShift's restricted SCC; SLIPWAY_ARBITRARY_UIDS; proven on a real node by
// test/e2e/arbitrary-uid.test.ts). What that asks of a generated Dockerfile, builder by builder:
// everything the runtime stage copies from the build stage is group 0 with the owner's rights,
// and HOME and the working dir are directories uid 1001 and group 0 may write.
const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/apps');
const builders = loadBuilders();

async function stages(params: { builder: string; fixture: string; extra?: Record<string, string> }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-uid-'));
  await cp(path.join(FIXTURES, params.fixture), dir, { recursive: true });
  for (const [file, text] of Object.entries(params.extra ?? {})) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const builder = builders.find((b) => b.name === params.builder)!;
  const input = checkoutReader({ repo: await RepoFiles.open({ root: dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: await readdir(dir) });
  const { text } = await generateDockerfile({ builder, input, images: 'public', port: 8080 });
  // Continuation lines joined: one instruction per entry.
  const lines = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const starts = lines.flatMap((l, i) => (l.startsWith('FROM ') ? [i] : []));
  const [, build, runtime] = starts.map((start, n) => lines.slice(start, starts[n + 1])) as [string[], string[], string[]];
  return { build, runtime };
}

const under = (file: string, dirs: string[]) => dirs.some((d) => file === d || file.startsWith(`${d}/`));

describe.each([
  ['nodejs', 'node-server'],
  ['python', 'python-django'],
  ['go', 'go-server'],
  ['java', 'java-maven'],
  ['ruby', 'ruby-sinatra'],
  ['php', 'php-app'],
  ['static', 'static-html'],
])('%s (%s)', (builder, fixture) => {
  test.each([
    ['as planned', {}],
    ['with .s2i/bin/assemble and run', { '.s2i/bin/assemble': '#!/bin/sh\nmkdir -p /out\n', '.s2i/bin/run': '#!/bin/sh\nexec true\n' }],
  ])('%s: group 0 may do what uid 1001 may, and HOME is writable', async (_how, extra) => {
    const { build, runtime } = await stages({ builder, fixture, extra });

    // The build stage's last step gives group 0 the owner's rights on what the runtime copies.
    const last = build[build.length - 1]!;
    expect(last).toMatch(/^RUN chmod -R g=u \//);
    const granted = last.replace('RUN chmod -R g=u ', '').split(/\s+/);
    const copies = runtime.filter((l) => l.startsWith('COPY --from=build '));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const [source] = copy.replace(/^COPY --from=build (--chown=\S+ )?/, '').split(/\s+/);
      // The CA bundle stays root's (read-only for everyone); all else is 1001's and group 0's.
      if (source === '/etc/ssl/certs/ca-certificates.crt') continue;
      expect(copy).toContain('--chown=1001:0 ');
      // The .s2i/bin/run script is made 755 in the build stage: group 0 may read and run it.
      if (source === '/app/.s2i/bin/run' && build.includes('RUN chmod 755 .s2i/bin/run')) continue;
      expect(under(source!, granted)).toBe(true);
    }

    // HOME and the working dir: made 1001:0 and group-writable before the image turns to uid 1001.
    const home = runtime.filter((l) => l.startsWith('ENV HOME=')).pop()?.slice('ENV HOME='.length);
    const workdir = runtime.filter((l) => l.startsWith('WORKDIR ')).pop()?.slice('WORKDIR '.length);
    expect(home).toMatch(/^\//);
    const made = runtime.flatMap((l, i) => {
      const m = /install -d -o 1001 -g 0 -m 775 ((?:\/\S+ ?)+)/.exec(l);
      return m ? [{ at: i, dirs: m[1]!.trim().split(' ') }] : [];
    });
    const user = runtime.lastIndexOf('USER 1001');
    for (const dir of [home!, workdir!]) {
      expect(made.some((m) => m.dirs.includes(dir) && m.at < user)).toBe(true);
    }
  });
});
