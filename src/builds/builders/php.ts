import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';

const WEB_ROOT = '/var/www/html';

/**
 * How to build a PHP app: `composer install --no-dev` with composer.json (and lock) alone,
 * the optimised autoloader once the sources are there; served by Apache with mod_php from
 * public/ when public/index.php exists (Laravel, Symfony, Slim), else from the top level.
 */
export async function planPhp(input: PlanInput): Promise<BuilderPlan> {
  const has = (f: string) => input.files.includes(f);
  const composer = has('composer.json');
  const manifests = ['composer.json', ...(has('composer.lock') ? ['composer.lock'] : [])];
  const publicDir = has('public') && (await input.read('public/index.php')) !== undefined;
  const documentRoot = publicDir ? `${WEB_ROOT}/public` : WEB_ROOT;
  return {
    values: {
      // Scripts and the autoloader need the sources, which the deps stage does not have yet.
      installSteps: composer ? [`COPY ${manifests.join(' ')} ./`, 'RUN composer install --no-dev --no-interaction --no-progress --prefer-dist --no-scripts --no-autoloader'].join('\n') : '',
      buildSteps: composer ? 'RUN composer dump-autoload --no-dev --optimize --no-interaction' : '',
      documentRoot,
      startCommand: execForm(['apache2', '-DFOREGROUND']),
    },
    reasons: [
      composer ? `install: composer install --no-dev (${manifests.join(', ')})` : 'install: nothing (no composer.json)',
      `serve: Apache mod_php from ${documentRoot}${publicDir ? ' (public/index.php found)' : ''}`,
      'start: apache2 -DFOREGROUND on $PORT',
    ],
  };
}
