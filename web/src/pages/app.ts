import { api } from '../api.js';
import { badge, duration, errorText, fill, h, shortImage, when } from '../dom.js';
import type { Cleanup, PageContext } from '../page.js';
import type { App, AppStatus, Build, Release } from '../types.js';
import { FINAL_BUILD_STATES, rollbackSummary, rolledBackOnto, rolloutSummary } from '../types.js';
import { appHeader } from './app-tabs.js';
import { healthSummary } from './health-summary.js';
import { autoscaleSummary } from './autoscale-summary.js';
import type { AutoscaleStatus } from '../../../src/store/views.js';

const REFRESH_MS = 3000;

/** One app: its current release, live health and pods, and its builds (refreshed while shown). */
export function appPage(ctx: PageContext, [name]: string[]): Cleanup {
  const app = name!;
  document.title = `${app} · Slipway`;
  const abort = new AbortController();
  const summary = h('section', { 'aria-labelledby': 'current-title' }, h('h2', { id: 'current-title' }, 'Current release and health'), h('p', null, 'Loading…'));
  const pods = h('section', { 'aria-labelledby': 'pods-title' });
  const builds = h('section', { 'aria-labelledby': 'builds-title' });
  const startButton = h('button', { type: 'button' }, 'Start a build');
  const buildMessage = h('p', { role: 'status', class: 'muted' });
  fill(ctx.main, ...appHeader(app, 'overview'), summary, pods, h('div', { class: 'section-head' }, h('h2', { id: 'builds-title' }, 'Builds'), startButton), buildMessage, builds);

  startButton.addEventListener('click', async () => {
    startButton.disabled = true;
    try {
      const build = await api<Build>(`/apps/${encodeURIComponent(app)}/builds`, { method: 'POST', body: {} });
      ctx.navigate(`/ui/builds/${encodeURIComponent(build.id)}`);
    } catch (error) {
      buildMessage.textContent = `The build did not start: ${errorText(error)}`;
      startButton.disabled = false;
    }
  });

  const load = async () => {
    const enc = encodeURIComponent(app);
    const [record, status, history, buildList] = await Promise.all([
      api<App>(`/apps/${enc}`, { signal: abort.signal }),
      api<AppStatus>(`/apps/${enc}/status`, { signal: abort.signal }).catch((error: unknown) => error as Error),
      api<{ current: number | null; releases: Release[] }>(`/apps/${enc}/releases`, { signal: abort.signal }),
      api<{ builds: Build[] }>(`/apps/${enc}/builds`, { signal: abort.signal }),
    ]);
    // While the app autoscales, its HPA says how many pods it has and wants, and the use it scales on.
    const autoscaled = record.deploy.autoscale
      ? await api<{ status: AutoscaleStatus | null }>(`/apps/${enc}/autoscale/status`, { signal: abort.signal }).then((r) => r.status, (error: unknown) => error as Error)
      : undefined;
    const current = history.releases.find((r) => r.number === history.current);
    const newest = history.releases[0];
    const rolledBack = rolledBackOnto(history.releases, history.current);
    fill(
      summary,
      h('h2', { id: 'current-title' }, 'Current release and health'),
      h(
        'dl',
        { class: 'facts' },
        fact('Repository', h('span', { class: 'mono' }, record.repo), ` (${record.branch})`),
        fact('Runs as', `${record.deploy.kind} ${record.deploy.namespace}/${record.name}, port ${record.port}`),
        fact('Current release', current ? [`#${current.number} `, badge(current.status), ` ${shortImage(current.image)}, since ${when(current.finishedAt ?? current.createdAt)}`] : 'none yet'),
        rolledBack ? fact('Why this release', h('span', { class: 'error', id: 'rollback-summary' }, `${app} ${rollbackSummary(rolledBack)}`)) : null,
        newest && newest.number !== current?.number && newest.number !== rolledBack?.number ? fact('Newest release', [`#${newest.number} `, badge(newest.status), newest.failure ? ` ${newest.failure.reason}: ${newest.failure.message}` : '']) : null,
        // The newest release's blue-green or canary rollout, in flight or how it ended (details on the Releases tab).
        newest?.progress ? fact('Rollout', h('span', { id: 'rollout-summary' }, `#${newest.number}: ${rolloutSummary(newest)[0] ?? ''}`)) : null,
        fact('Health', status instanceof Error ? h('span', { class: 'error' }, status.message) : healthSummary(status)),
        record.deploy.autoscale && autoscaled !== undefined ? fact('Autoscaling', autoscaleSummary(record.deploy.autoscale, autoscaled)) : null,
      ),
    );
    fill(pods, h('h2', { id: 'pods-title' }, 'Pods'), status instanceof Error || status.pods.length === 0 ? h('p', { class: 'muted' }, 'No pods.') : podTable(status));
    fill(builds, buildList.builds.length === 0 ? h('p', { class: 'muted' }, 'No builds yet.') : buildTable(buildList.builds));
  };

  let timer: number | undefined;
  const loop = async () => {
    try {
      await load();
    } catch (error) {
      if (abort.signal.aborted) return;
      fill(summary, h('h2', { id: 'current-title' }, 'Current release and health'), h('p', { class: 'error', role: 'alert' }, `Could not load ${app}: ${errorText(error)}`));
    }
    if (!abort.signal.aborted) timer = window.setTimeout(loop, REFRESH_MS);
  };
  void loop();
  return () => {
    abort.abort();
    window.clearTimeout(timer);
  };
}

function fact(term: string, ...value: Array<Node | string | Array<Node | string>>): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function podTable(status: AppStatus): HTMLElement {
  return h(
    'table',
    { 'aria-label': 'Pods' },
    h('thead', null, h('tr', null, ...['Pod', 'Phase', 'Ready', 'Restarts', 'Release', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      null,
      status.pods.map((p) =>
        h('tr', null, h('td', { class: 'mono' }, p.name), h('td', null, p.phase), h('td', null, p.ready ? 'yes' : 'no'), h('td', null, p.restarts), h('td', null, p.release ? `#${p.release}` : '—'), h('td', null, p.reason ?? '')),
      ),
    ),
  );
}

function buildTable(builds: Build[]): HTMLElement {
  return h(
    'table',
    { 'aria-label': 'Builds' },
    h('thead', null, h('tr', null, ...['Build', 'State', 'Commit', 'Strategy', 'Trigger', 'Started', 'Took'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      null,
      builds.map((b) =>
        h(
          'tr',
          { 'data-build': b.id },
          h('th', { scope: 'row' }, h('a', { href: `/ui/builds/${encodeURIComponent(b.id)}` }, `#${b.number}`)),
          h('td', null, badge(b.state), b.failure ? h('span', { class: 'muted' }, ` ${b.failure.code}`) : ''),
          h('td', { class: 'mono' }, b.sha.slice(0, 7)),
          h('td', null, b.strategy?.name ?? '—'),
          h('td', null, b.trigger.provider ?? b.trigger.kind),
          h('td', null, when(b.startedAt ?? b.createdAt)),
          h('td', null, FINAL_BUILD_STATES.includes(b.state) ? duration(b.startedAt, b.finishedAt) : `${duration(b.startedAt)}…`),
        ),
      ),
    ),
  );
}
