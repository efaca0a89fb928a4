import { SlipwayError } from '../../errors.js';
import { execForm } from '../dockerfile-template.js';

interface PackageJson {
  main?: string;
  scripts?: Record<string, string>;
}

export interface NodejsPlan {
  manifests: string[];
  installCommand: string;
  buildSteps: string;
  startCommand: string;
  reasons: string[];
}

const NPM_FLAGS = '--no-audit --no-fund';

/**
 * How to build a Node.js app, from its package.json and top-level files: lockfile → `npm ci`,
 * a `build` script → run it, start with `node <file>` directly when the start script is just
 * that (npm as PID 1 swallows SIGTERM), else `npm start`, else `main`, else server.js/index.js.
 */
export function planNodejs(params: { packageJson: string; files: string[] }): NodejsPlan {
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(params.packageJson) as PackageJson;
  } catch {
    throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json is not valid JSON');
  }
  const files = new Set(params.files);
  const lock = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => files.has(f));
  const scripts = pkg.scripts ?? {};
  // An .npmrc (e.g. `//registry.npmjs.org/:_authToken=${NPM_TOKEN}`) must be there for the install.
  const npmrc = files.has('.npmrc') ? ['.npmrc'] : [];
  const start = startArgv(pkg, files);
  return {
    manifests: ['package.json', ...(lock ? [lock] : []), ...npmrc],
    installCommand: lock ? `npm ci ${NPM_FLAGS}` : `npm install ${NPM_FLAGS}`,
    buildSteps: scripts.build ? 'RUN npm run build' : '',
    startCommand: execForm(start.argv),
    reasons: [lock ? `install: npm ci (${lock} found)` : 'install: npm install (no lockfile)', ...(scripts.build ? ['build: npm run build (scripts.build)'] : []), `start: ${start.argv.join(' ')} (${start.from})`],
  };
}

function startArgv(pkg: PackageJson, files: Set<string>): { argv: string[]; from: string } {
  const start = pkg.scripts?.start?.trim();
  if (start) {
    const direct = /^node\s+([\w./-]+)$/.exec(start);
    return { argv: direct ? ['node', direct[1]!] : ['npm', 'start'], from: 'scripts.start' };
  }
  if (pkg.main) return { argv: ['node', pkg.main], from: 'package.json main' };
  const entry = ['server.js', 'index.js', 'app.js'].find((f) => files.has(f));
  if (entry) return { argv: ['node', entry], from: `${entry} found` };
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json has no "start" script or "main", and no server.js, index.js or app.js exists');
}
