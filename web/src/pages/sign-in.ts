import { api, ApiError } from '../api.js';
import { errorText, fill, h } from '../dom.js';
import type { PageContext } from '../page.js';
import { session } from '../session.js';

/** Sign in with the API token; the token is checked against the API before it is kept. */
export function signInPage(ctx: PageContext, [returnTo]: string[]): void {
  document.title = 'Sign in · Slipway';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'token-help' });
  const message = h('p', { id: 'sign-in-message', role: 'alert', class: ctx.notice ? 'notice' : 'error', hidden: !ctx.notice }, ctx.notice ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' }, 'The SLIPWAY_API_TOKEN the API was started with. It is kept in this tab only (sessionStorage) and cleared when you sign out.'),
    button,
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    button.disabled = true;
    message.hidden = true;
    try {
      await api('/apps', { token });
      session.signIn(token);
      ctx.navigate(returnTo && returnTo.startsWith('/ui/') && !returnTo.startsWith('/ui/sign-in') ? returnTo : '/ui/');
    } catch (error) {
      message.className = 'error';
      message.textContent =
        error instanceof ApiError && error.status === 401
          ? `That token was not accepted: ${error.message} (${error.code}).`
          : `Could not reach the API: ${errorText(error)}`;
      message.hidden = false;
      button.disabled = false;
      input.select();
    }
  });
  fill(ctx.main, h('h1', { id: 'sign-in-title' }, 'Sign in to Slipway'), form);
  input.focus();
}
