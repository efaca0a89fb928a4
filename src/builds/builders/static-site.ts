/** A package.json whose build produces a static site, and where the site may end up. */
export interface StaticSiteBuild {
  /** Folders to look in after the build, first with an index.html wins. */
  outputDirs: string[];
  reason: string;
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  slipway?: { static?: string | boolean };
}

/** Front-end build tools whose `build` output is a folder of static files. */
const TOOLS: Record<string, string[]> = {
  vite: ['dist'],
  'react-scripts': ['build'],
  parcel: ['dist'],
  '@vue/cli-service': ['dist'],
  // Angular writes dist/<project>/browser (17+) or dist/<project>; the planner reads angular.json.
  '@angular/cli': ['dist'],
};

/** Dependencies that mean the app serves itself (SSR or an API), even when it uses a tool above. */
const SERVERS = ['express', 'fastify', 'koa', '@hapi/hapi', '@nestjs/core', 'next', 'nuxt', '@sveltejs/kit', '@remix-run/node', '@remix-run/serve', '@angular/ssr'];

/**
 * The rule that tells a static-site build from a Node server, in order:
 * 1. `"slipway": { "static": "<dir>" | true }` in package.json is a static site; `false` is not;
 * 2. else a `build` script, a front-end tool in the dependencies, no server framework, and
 *    no `start` script that runs node (CRA's `react-scripts start` is its dev server).
 */
export function staticSiteBuild(packageJson: string | undefined): StaticSiteBuild | undefined {
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(packageJson ?? '') as PackageJson;
  } catch {
    return undefined;
  }
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const tool = Object.keys(TOOLS).find((t) => t in deps);
  const hint = pkg.slipway?.static;
  if (hint === false) return undefined;
  if (typeof hint === 'string' && hint.trim()) return { outputDirs: [hint.trim().replace(/\/+$/, '')], reason: `package.json "slipway.static": "${hint}"` };
  if (hint === true) return { outputDirs: tool ? TOOLS[tool]! : ['dist', 'build'], reason: 'package.json "slipway.static": true' };
  if (!pkg.scripts?.build || !tool) return undefined;
  const server = SERVERS.find((s) => s in deps);
  if (server || /^node\s/.test(pkg.scripts.start?.trim() ?? '')) return undefined;
  return { outputDirs: TOOLS[tool]!, reason: `package.json: a build script with ${tool} and no server` };
}
