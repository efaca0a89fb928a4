import { h } from '../dom.js';

/** The app's heading and its two views; `aria-current` marks the one shown. */
export function appHeader(app: string, active: 'overview' | 'releases'): HTMLElement[] {
  const base = `/ui/apps/${encodeURIComponent(app)}`;
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '/ui/' }, 'Apps'), ' / '),
    h('h1', null, app),
    h(
      'nav',
      { class: 'tabs', 'aria-label': `${app} views` },
      h('a', { href: base, 'aria-current': active === 'overview' ? 'page' : null }, 'Overview and builds'),
      h('a', { href: `${base}/releases`, 'aria-current': active === 'releases' ? 'page' : null }, 'Releases'),
    ),
  ];
}
