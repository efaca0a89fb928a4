// Small arithmetic and formatting shared by the benchmarks.

/** Median (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  if (!xs.length) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const ms = (x: number) => `${Math.round(x)} ms`;
export const seconds = (x: number) => `${(x / 1000).toFixed(2)} s`;

/** A positional argument that must be a positive integer, or `fallback` when absent. */
export function positiveInteger(raw: string | undefined, fallback: number, what: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got "${raw}"`);
  return value;
}
