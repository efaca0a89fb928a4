import { api } from '../api.js';
import { errorText, fill, h } from '../dom.js';
import type { Cleanup, PageContext } from '../page.js';
import type { App, AppStatus } from '../types.js';
import { healthSummary } from './health-summary.js';

/** Every app with its repo, current release and live health; health cells fill in as they arrive. */
export function appsPage(ctx: PageContext): Cleanup {
  document.title = 'Apps · Slipway';
  const abort = new AbortController();
  const body = h('tbody');
  const status = h('p', { role: 'status' }, 'Loading apps…');
  fill(
    ctx.main,
    h('h1', null, 'Apps'),
    ctx.notice ? h('p', { class: 'notice', role: 'status' }, ctx.notice) : null,
    status,
    h(
      'table',
      { 'aria-label': 'Apps' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'App'), h('th', { scope: 'col' }, 'Repository'), h('th', { scope: 'col' }, 'Current release'), h('th', { scope: 'col' }, 'Health'))),
      body,
    ),
  );
  void (async () => {
    try {
      const { apps } = await api<{ apps: App[] }>('/apps', { signal: abort.signal });
      status.textContent = apps.length ? `${apps.length} app${apps.length === 1 ? '' : 's'}` : 'No apps yet: create one with `slipway new-app <repo>`.';
      for (const app of apps.sort((a, b) => a.name.localeCompare(b.name))) {
        const release = h('td', null, '…');
        const health = h('td', null, '…');
        body.append(
          h(
            'tr',
            { 'data-app': app.name },
            h('th', { scope: 'row' }, h('a', { href: `/ui/apps/${encodeURIComponent(app.name)}` }, app.name)),
            h('td', null, h('span', { class: 'mono' }, app.repo), ' ', h('span', { class: 'muted' }, `(${app.branch})`)),
            release,
            health,
          ),
        );
        void fillStatus({ app, release, health, signal: abort.signal });
      }
    } catch (error) {
      if (!abort.signal.aborted) status.textContent = `Could not load the apps: ${errorText(error)}`;
    }
  })();
  return () => abort.abort();
}

async function fillStatus(params: { app: App; release: HTMLElement; health: HTMLElement; signal: AbortSignal }): Promise<void> {
  const { app, release, health, signal } = params;
  try {
    const status = await api<AppStatus>(`/apps/${encodeURIComponent(app.name)}/status`, { signal });
    fill(release, status.currentRelease === null ? h('span', { class: 'muted' }, 'none yet') : `#${status.currentRelease}`);
    fill(health, healthSummary(status));
  } catch (error) {
    if (signal.aborted) return;
    fill(release, '?');
    fill(health, h('span', { class: 'error' }, errorText(error)));
  }
}
