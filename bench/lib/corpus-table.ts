// The corpus run's rows, the table printed from them and the pass rate: pure, so the runner and
// its test read the same story.
import type { CorpusEntry } from './corpus-entries.js';

export interface CorpusRow {
  id: string;
  repo: string;
  ref: string;
  contextDir: string;
  expectedBuilder: string;
  /** What Slipway chose (`strategy.name`), if the build got that far. */
  builder?: string;
  buildState: string;
  buildSeconds?: number;
  imageBytes?: number;
  /** The Procfile `release:` command Slipway recorded, and how its run ended. */
  release?: { command: string; exitCode?: number };
  expectedStatus: number;
  status?: number;
  startSeconds?: number;
  pass: boolean;
  /** Why it failed: `CODE: first line`. Empty when it passed. */
  why: string;
  /** The build's last log lines or the app's last output, for the JSON results. */
  logTail: string[];
  traits: string[];
}

/** The row of an entry whose run ended with `outcome`; pass means the app answered the expected status. */
export function corpusRow(entry: CorpusEntry, outcome: Omit<CorpusRow, 'id' | 'repo' | 'ref' | 'contextDir' | 'expectedBuilder' | 'expectedStatus' | 'pass' | 'traits' | 'why'> & { failure?: { code: string; message: string } }): CorpusRow {
  const { failure, ...rest } = outcome;
  const pass = !failure && outcome.status === entry.status;
  const why = pass ? '' : failure ? `${failure.code}: ${firstLine(failure.message)}` : `CORPUS_WRONG_STATUS: answered ${outcome.status}, expected ${entry.status}`;
  return {
    id: entry.id,
    repo: entry.repo,
    ref: entry.ref,
    contextDir: entry.contextDir,
    expectedBuilder: entry.builder,
    expectedStatus: entry.status,
    ...rest,
    pass,
    why,
    traits: entry.traits,
  };
}

const firstLine = (s: string) => (s.split('\n').find((l) => l.trim()) ?? '').trim();

const size = (bytes?: number) => (bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
const secs = (s?: number) => (s === undefined ? '-' : `${s.toFixed(0)} s`);

/** The table: one line per row, `why` cut to `width` characters. */
export function corpusTable(rows: CorpusRow[], width = 140): string {
  const head = ['app', 'repo', 'builder', 'build', 'image', 'HTTP', 'result', 'why'];
  const cells = rows.map((r) => [
    r.id,
    r.contextDir === '.' ? r.repo : `${r.repo}/${r.contextDir}`,
    r.builder && r.builder !== r.expectedBuilder ? `${r.builder} (want ${r.expectedBuilder})` : (r.builder ?? `- (want ${r.expectedBuilder})`),
    secs(r.buildSeconds),
    size(r.imageBytes),
    r.status === undefined ? '-' : String(r.status),
    r.pass ? 'pass' : 'FAIL',
    r.why.length > width ? `${r.why.slice(0, width - 1)}…` : r.why,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

/** `passed/total (pct%)`, and per builder. */
export function passRate(rows: CorpusRow[]): { passed: number; total: number; line: string; byBuilder: string } {
  const passed = rows.filter((r) => r.pass).length;
  const pct = (p: number, t: number) => (t ? `${Math.round((100 * p) / t)}%` : '-');
  const builders = [...new Set(rows.map((r) => r.expectedBuilder))];
  const byBuilder = builders
    .map((b) => {
      const of = rows.filter((r) => r.expectedBuilder === b);
      return `${b} ${of.filter((r) => r.pass).length}/${of.length}`;
    })
    .join(', ');
  return { passed, total: rows.length, line: `${passed}/${rows.length} passed (${pct(passed, rows.length)})`, byBuilder };
}
