// The token lives in sessionStorage only: gone when the tab closes, never in a cookie, so the
// server keeps no session state and no other site can make the browser send it.
const KEY = 'slipway.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  signIn: (token: string): void => sessionStorage.setItem(KEY, token),
  signOut: (): void => sessionStorage.removeItem(KEY),
};
