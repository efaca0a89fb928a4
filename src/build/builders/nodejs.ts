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
  return {
    manifests: ['package.json', ...(lock ? [lock] : [])],
    installCommand: lock ? `npm ci ${NPM_FLAGS}` : `npm install ${NPM_FLAGS}`,
    buildSteps: scripts.build ? 'RUN npm run build' : '',
    startCommand: execForm(startArgv(pkg, files)),
  };
}

function startArgv(pkg: PackageJson, files: Set<string>): string[] {
  const start = pkg.scripts?.start?.trim();
  if (start) {
    const direct = /^node\s+([\w./-]+)$/.exec(start);
    return direct ? ['node', direct[1]!] : ['npm', 'start'];
  }
  if (pkg.main) return ['node', pkg.main];
  const entry = ['server.js', 'index.js', 'app.js'].find((f) => files.has(f));
  if (entry) return ['node', entry];
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json has no "start" script or "main", and no server.js, index.js or app.js exists');
}
