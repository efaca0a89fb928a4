import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { staticSiteBuild } from './static-site.js';

const NPM_FLAGS = '--no-audit --no-fund';

/**
 * How to build a static site: index.html as it is, or a front-end build (see
 * staticSiteBuild) whose output folder is copied to /out/site; nginx serves /out/site.
 * Built single-page apps fall back to /index.html for client-side routes; plain sites 404.
 */
export async function planStatic(input: PlanInput): Promise<BuilderPlan> {
  const has = (f: string) => input.files.includes(f);
  const site = has('package.json') ? staticSiteBuild(await input.read('package.json')) : undefined;
  const serve = (dirs: string[]) =>
    `RUN for dir in ${dirs.join(' ')}; do if [ -f "$dir/index.html" ]; then cp -a "$dir" /out/site && echo "Slipway: serving $dir/" && exit 0; fi; done; ` +
    `echo "Slipway: no index.html in ${dirs.map((d) => `${d}/`).join(', ')}" >&2; exit 1`;
  const startCommand = execForm(['/bin/sh', '-c', 'sed "s/@PORT@/$PORT/" /etc/slipway/nginx.conf >/tmp/nginx.conf && exec nginx -e stderr -c /tmp/nginx.conf']);
  if (!site) {
    return {
      values: { installSteps: '', buildSteps: serve(['.']), notFound: '=404', startCommand },
      reasons: ['build: none, index.html served as it is', 'start: nginx on $PORT'],
    };
  }
  const lock = ['package-lock.json', 'npm-shrinkwrap.json'].find(has);
  const outputDirs = await angularOutput(input, site.outputDirs);
  return {
    values: {
      installSteps: [`COPY package.json${lock ? ` ${lock}` : ''}${has('.npmrc') ? ' .npmrc' : ''} ./`, `RUN ${lock ? 'npm ci' : 'npm install'} ${NPM_FLAGS}`].join('\n'),
      buildSteps: ['RUN npm run build', serve(outputDirs)].join('\n'),
      notFound: '/index.html',
      startCommand,
    },
    reasons: [
      lock ? `install: npm ci (${lock} found)` : 'install: npm install (no lockfile)',
      `build: npm run build (${site.reason}), serving the first of ${outputDirs.map((d) => `${d}/`).join(', ')} with an index.html`,
      'start: nginx on $PORT, unknown paths answered with /index.html',
    ],
  };
}

/** Angular's output folder is per project in angular.json (`outputPath`, a string or `{ base }`). */
async function angularOutput(input: PlanInput, dirs: string[]): Promise<string[]> {
  const text = input.files.includes('angular.json') ? await input.read('angular.json') : undefined;
  if (!text) return dirs;
  try {
    const projects = (JSON.parse(text) as { projects?: Record<string, { architect?: { build?: { options?: { outputPath?: string | { base?: string } } } } }> }).projects ?? {};
    const out = Object.values(projects)[0]?.architect?.build?.options?.outputPath;
    const base = typeof out === 'string' ? out : out?.base;
    return base ? [`${base}/browser`, base] : dirs;
  } catch {
    return dirs;
  }
}
