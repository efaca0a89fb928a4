import { ApiError, handleUnauthorized } from './api.js';
import { fill, h } from './dom.js';
import type { Cleanup, Page, PageContext } from './page.js';
import { appPage } from './pages/app.js';
import { appsPage } from './pages/apps.js';
import { buildPage } from './pages/build.js';
import { databasesPage } from './pages/databases.js';
import { releasesPage } from './pages/releases.js';
import { signInPage } from './pages/sign-in.js';
import { session } from './session.js';

const BASE = '/ui';
const routes: Array<[RegExp, Page]> = [
  [/^\/?$/, appsPage],
  [/^\/apps\/([^/]+)\/?$/, appPage],
  [/^\/apps\/([^/]+)\/releases\/?$/, releasesPage],
  [/^\/builds\/([^/]+)\/?$/, buildPage],
  [/^\/databases\/?$/, databasesPage],
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
let cleanup: Cleanup | void;

function render(notice?: string): void {
  cleanup?.();
  cleanup = undefined;
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  const ctx: PageContext = { main, navigate, notice };
  nav.hidden = !session.token();
  if (path === '/sign-in' || !session.token()) {
    cleanup = signInPage(ctx, [path === '/sign-in' ? '' : location.pathname + location.search]);
    return;
  }
  for (const [pattern, page] of routes) {
    const match = pattern.exec(path);
    if (match) {
      cleanup = page(ctx, match.slice(1).map(decodeURIComponent));
      return;
    }
  }
  document.title = 'Not found · Slipway';
  fill(main, h('h1', null, 'Not found'), h('p', null, 'No page here. ', h('a', { href: `${BASE}/` }, 'Back to the apps')));
}

export function navigate(path: string, notice?: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  render(notice);
  main.focus({ preventScroll: true });
}

// Links inside the dashboard change the page without reloading it (and without dropping a live log).
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`) || link.target) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render());

document.getElementById('sign-out')!.addEventListener('click', () => {
  session.signOut();
  navigate(`${BASE}/sign-in`, 'Signed out.');
});

handleUnauthorized((error: ApiError) => {
  session.signOut();
  navigate(`${BASE}/sign-in`, `Your token is no longer accepted (${error.code}). Sign in again.`);
});

render();
