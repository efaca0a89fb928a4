import { api } from '../api.js';
import { badge, errorText, fill, h, when } from '../dom.js';
import type { Cleanup, PageContext } from '../page.js';
import type { Database } from '../types.js';

/** What templates provisioned (postgresql-persistent and the like): health, Secret keys to link, Services, volumes. */
export function databasesPage(ctx: PageContext): Cleanup {
  document.title = 'Databases · Slipway';
  const abort = new AbortController();
  const status = h('p', { role: 'status' }, 'Loading…');
  const body = h('tbody');
  fill(
    ctx.main,
    h('h1', null, 'Databases'),
    h('p', { class: 'help' }, 'Everything provisioned from a template (', h('code', null, 'slipway new-app --template postgresql-persistent'), '). An app in the same namespace links to a database with ', h('code', null, '--link-db <secret>'), ' and gets its keys as environment variables.'),
    status,
    h(
      'table',
      { 'aria-label': 'Databases' },
      h('thead', null, h('tr', null, ...['Name', 'Template', 'Health', 'Secret (keys)', 'Service', 'Volumes', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
      body,
    ),
  );
  void (async () => {
    try {
      const { databases } = await api<{ databases: Database[] }>('/databases', { signal: abort.signal });
      status.textContent = databases.length ? `${databases.length} provisioned` : 'Nothing provisioned from a template yet.';
      fill(
        body,
        databases.map((d) =>
          h(
            'tr',
            { 'data-database': `${d.namespace}/${d.name}` },
            h('th', { scope: 'row' }, h('span', { class: 'mono' }, `${d.namespace}/${d.name}`), h('div', { class: 'muted' }, `${d.kind}, ${d.image ?? ''}`)),
            h('td', null, d.template),
            h('td', null, badge(d.state), ` ${d.ready}/${d.desired} ready`),
            h('td', null, d.secrets.map((s) => h('div', null, h('span', { class: 'mono' }, s.name), h('div', { class: 'muted' }, s.keys.join(', '))))),
            h('td', null, d.services.map((s) => h('div', { class: 'mono' }, `${s.name}:${s.ports.join(',')}`))),
            h('td', null, d.volumes.map((v) => h('div', null, h('span', { class: 'mono' }, v.name), ` ${v.capacity ?? ''} ${v.phase ?? ''}`))),
            h('td', null, when(d.createdAt)),
          ),
        ),
      );
    } catch (error) {
      if (!abort.signal.aborted) status.textContent = `Could not list the databases: ${errorText(error)}`;
    }
  })();
  return () => abort.abort();
}
