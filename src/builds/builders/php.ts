import { SlipwayError } from '../../errors.js';
import { namedInstall } from '../builder-failure.js';
import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { readS2iOverrides } from '../s2i-overrides.js';

const WEB_ROOT = '/var/www/html';
const INSTALL = 'composer install --no-dev --no-interaction --no-progress --prefer-dist --no-scripts --no-autoloader';
/** What composer prints when it cannot reach a package repository (its own messages and curl's). */
const UNREACHABLE = 'could not be downloaded|failed to open stream|curl error|could not resolve host|connection refused|connection timed out|network is unreachable';

/**
 * How to build a PHP app: `composer install --no-dev` with composer.json (and lock) alone,
 * the optimised autoloader once the sources are there; served by Apache with mod_php. The
 * document root is `DOCUMENT_ROOT` under the sources, as in sclorg's PHP image (a path such as
 * `/public`; from .s2i/environment, or the app's env at run time, since Apache reads it when it
 * starts); unset, `/public` when public/index.php exists (Laravel, Symfony, Slim), else the top.
 */
export async function planPhp(input: PlanInput): Promise<BuilderPlan> {
  const has = (f: string) => input.files.includes(f);
  const composer = has('composer.json');
  const manifests = ['composer.json', ...(has('composer.lock') ? ['composer.lock'] : [])];
  const root = await documentRoot(input);
  return {
    values: {
      // Scripts and the autoloader need the sources, which the deps stage does not have yet.
      installSteps: composer ? [`COPY ${manifests.join(' ')} ./`, composerInstall(composerPackages((await input.read('composer.json')) ?? ''))].join('\n') : '',
      buildSteps: composer ? 'RUN composer dump-autoload --no-dev --optimize --no-interaction' : '',
      documentRoot: root.path,
      startCommand: execForm(['apache2', '-DFOREGROUND']),
    },
    reasons: [
      composer ? `install: composer install --no-dev (${manifests.join(', ')})` : 'install: nothing (no composer.json)',
      `serve: Apache mod_php from ${WEB_ROOT}${root.path} (${root.why}; DOCUMENT_ROOT in the app's env changes it at start)`,
      'start: apache2 -DFOREGROUND on $PORT',
    ],
  };
}

async function documentRoot(input: PlanInput): Promise<{ path: string; why: string }> {
  const overrides = await readS2iOverrides(input);
  const set = overrides.runtimeEnv.DOCUMENT_ROOT ?? overrides.buildEnv.DOCUMENT_ROOT;
  if (set !== undefined) {
    const path = set.replace(/\/+$/, '');
    if (path && (!/^\/[A-Za-z0-9_./-]*$/.test(path) || path.split('/').includes('..'))) {
      throw new SlipwayError('BUILD_S2I_INVALID', `DOCUMENT_ROOT "${set}" must be a folder of the sources such as /public`);
    }
    return { path, why: 'DOCUMENT_ROOT in .s2i/' };
  }
  const publicDir = input.files.includes('public') && (await input.read('public/index.php')) !== undefined;
  return publicDir ? { path: '/public', why: 'public/index.php found' } : { path: '', why: 'the top level' };
}

/** The packages composer.json requires (not php, ext-* or lib-*: those are the platform's). */
export function composerPackages(text: string): string[] {
  try {
    const require = (JSON.parse(text) as { require?: Record<string, string> }).require ?? {};
    return Object.keys(require).filter((name) => /^[a-z0-9_.-]+\/[a-z0-9_.-]+$/.test(name));
  } catch {
    return [];
  }
}

/**
 * `composer install`, whose failure to reach Packagist (or the repositories composer.json
 * names) is said in one line naming the packages; any other failure is composer's own output.
 */
function composerInstall(packages: string[]): string {
  if (!packages.length) return `RUN ${INSTALL}`;
  const message = `composer install could not download ${packages.join(', ')} from Packagist (repo.packagist.org) or the repositories composer.json names: the build cannot reach them; make them reachable from the build network, or name a mirror in composer.json repositories`;
  return namedInstall({ command: INSTALL, log: '/tmp/composer.log', unreachable: UNREACHABLE, message });
}
