// What every page is given and gives back; main.ts routes to pages, and pages import only this.

/** A page renders into `main` and returns what stops its streams and timers when the user leaves. */
export type Cleanup = () => void;
export interface PageContext {
  main: HTMLElement;
  navigate: (path: string, notice?: string) => void;
  notice?: string;
}
export type Page = (ctx: PageContext, params: string[]) => Cleanup | void;
