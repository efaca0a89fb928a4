// A tiny element builder instead of a UI library: the dashboard renders a few tables, and
// everything from the API goes in as text nodes, never as HTML (log lines, names, messages).

type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function when(iso?: string): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';
}

export function duration(from?: string, to?: string): string {
  if (!from) return '—';
  const seconds = Math.max(0, Math.round(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** A state shown as a word with a colour class: the word carries the meaning, the colour only helps. */
export function badge(state: string): HTMLElement {
  return h('span', { class: `badge badge-${state.replace(/[^a-z-]/g, '')}` }, state);
}

/** `registry/app@sha256:abcdef…` → `app@sha256:abcdef012345`. */
export function shortImage(image?: string): string {
  if (!image) return '—';
  const name = image.split('/').pop() ?? image;
  const at = name.indexOf('@sha256:');
  return at >= 0 ? `${name.slice(0, at)}@${name.slice(at + 1, at + 8 + 12)}` : name;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
