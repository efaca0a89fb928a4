// Reads which file imports what, and judges those imports against rules given as data
// (import-rules.ts). Specifiers come from TypeScript's own scanner, so `import type`,
// `export ... from` and `import()` are all seen; nothing here runs the code it reads.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { ImportRules, Room } from './import-rules.js';

export interface SourceFile {
  /** From the root, with `/`: `src/api/app.ts`. */
  path: string;
  text: string;
}

export interface ImportEdge {
  from: string;
  /** The file imported (from the root), or the package specifier as written (`node:fs`, `bullmq`). */
  to: string;
  package: boolean;
  /** False for a relative specifier that names no file: `to` is then the file it would be. */
  resolved: boolean;
  /** Every import of `to` in `from` is `import type` (or names only types): none reaches run time. */
  typeOnly: boolean;
}

export interface ImportGraph {
  files: SourceFile[];
  edges: ImportEdge[];
}

export interface Violation {
  from: string;
  to: string;
  rule: string;
  message: string;
}

export interface Cycle {
  /** Every file of the circle (a strongly connected component), sorted. */
  files: string[];
  /** One way round it, from files[0] back to files[0]. */
  loop: string[];
}

/** The specifiers a file imports, each once, with whether all its imports are type-only. */
export function listImports(text: string): Array<{ specifier: string; typeOnly: boolean }> {
  // preProcessFile lists every specifier, `import()` and `require()` included; the syntax tree
  // tells which of those are type-only declarations. A specifier is type-only when all its uses are.
  const uses = new Map<string, number>();
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) uses.set(fileName, (uses.get(fileName) ?? 0) + 1);
  const typeOnlyUses = new Map<string, number>();
  const source = ts.createSourceFile('imports.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier && ts.isStringLiteral(specifier) && isTypeOnly(statement)) {
      typeOnlyUses.set(specifier.text, (typeOnlyUses.get(specifier.text) ?? 0) + 1);
    }
  }
  return [...uses].map(([specifier, count]) => ({ specifier, typeOnly: (typeOnlyUses.get(specifier) ?? 0) >= count }));
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    return statement.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && allTypeOnly(clause.elements));
  }
  const clause = statement.importClause;
  // `import './x.js'` runs x.
  if (!clause) return false;
  if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
  const named = clause.namedBindings;
  return !clause.name && named !== undefined && ts.isNamedImports(named) && allTypeOnly(named.elements);
}

function allTypeOnly(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((element) => element.isTypeOnly);
}

/** Every TypeScript file under `dirs` (paths from `root`; a missing dir is empty) and what each imports. */
export function readGraph(root: string, dirs: string[]): ImportGraph {
  const files = dirs.flatMap((dir) => listSources(root, dir)).sort().map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') }));
  const edges = files.flatMap((file) => {
    const byTarget = new Map<string, ImportEdge>();
    for (const { specifier, typeOnly } of listImports(file.text)) {
      const target = resolve({ root, from: file.path, specifier });
      const seen = byTarget.get(target.to);
      byTarget.set(target.to, { from: file.path, ...target, typeOnly: typeOnly && (seen?.typeOnly ?? true) });
    }
    return [...byTarget.values()];
  });
  return { files, edges };
}

function listSources(root: string, dir: string): string[] {
  const entries = statSync(path.join(root, dir), { throwIfNoEntry: false })?.isDirectory() ? readdirSync(path.join(root, dir), { withFileTypes: true }) : [];
  return entries.flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listSources(root, file);
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** `./x.js` is `x.ts` (NodeNext spells the output's name) or `x/index.ts`; a bare specifier is a package. */
function resolve(params: { root: string; from: string; specifier: string }): Omit<ImportEdge, 'from' | 'typeOnly'> {
  const { root, from, specifier } = params;
  if (!specifier.startsWith('.')) return { to: specifier, package: true, resolved: true };
  const written = path.posix.join(path.posix.dirname(from), specifier);
  const stem = written.replace(/\.js$/, '');
  const candidates = [`${stem}.ts`, `${stem}.tsx`, written, `${written}.ts`, `${stem}/index.ts`];
  const found = candidates.find((file) => statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile());
  return { to: found ?? candidates[0]!, package: false, resolved: found !== undefined };
}

/** Every way the graph breaks the rules, in file order. */
export function findViolations(graph: ImportGraph, rules: ImportRules): Violation[] {
  const roomOf = (file: string): Room | undefined => rules.rooms.find((room) => matches(room.files, file));
  const known = new Set(graph.files.map((file) => file.path));
  const homeless: Violation[] = graph.files.filter((file) => !roomOf(file.path)).map((file) => ({
    from: file.path, to: '(no room)', rule: 'rooms', message: 'the file is in no room: add it to a room in import-rules.ts',
  }));
  const byImport = graph.edges.flatMap((edge) => checkImport({ edge, rules, roomOf, known }));
  const byText = graph.files.flatMap((file) => checkText(file, rules));
  return [...homeless, ...byImport, ...byText].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function checkImport(params: { edge: ImportEdge; rules: ImportRules; roomOf: (file: string) => Room | undefined; known: Set<string> }): Violation[] {
  const { edge, rules, roomOf, known } = params;
  const found: Violation[] = [];
  const report = (rule: string, message: string): void => {
    found.push({ from: edge.from, to: edge.to, rule, message });
  };
  const forbidden = rules.forbidden.filter((ban) => matches(ban.in, edge.from));

  if (!edge.typeOnly && matches(rules.typeOnlyFiles, edge.from)) {
    report('type-only-file', 'this file is bundled into the dashboard: it may import only with `import type`');
  }
  if (edge.package) {
    for (const ban of forbidden) if (ban.packages.some((name) => isPackage(edge.to, name))) report('forbidden', ban.why);
    const io = rules.deciders.ioPackages.some((name) => isPackage(edge.to, name));
    if (io && !edge.typeOnly && matches(rules.deciders.files, edge.from)) {
      report('deciders', 'a decider is pure: I/O modules only as `import type`');
    }
    return found;
  }
  if (!edge.resolved) {
    report('unresolved', 'the import names no file');
    return found;
  }
  for (const ban of forbidden) if (matches(ban.files, edge.to)) report('forbidden', ban.why);

  const from = roomOf(edge.from);
  const to = roomOf(edge.to);
  // A file in no room is reported once, as a file, when it is one of ours.
  if (!from) return found;
  if (!to) {
    if (!known.has(edge.to)) report('rooms', 'the imported file is in no room: the house imports only its own rooms');
    return found;
  }
  if (from.onlyImports && from !== to) {
    if (!matches(from.onlyImports, edge.to)) report('only-imports', `${from.why ?? `${from.room} is walled off`}: ${from.room} may import only ${from.onlyImports.join(', ')}`);
  }
  const never = rules.neverBetween.find(({ rooms: [a, b] }) => (a === from.room && b === to.room) || (a === to.room && b === from.room));
  if (never) report('never-between', `${from.room} and ${to.room} never import each other: ${never.why}`);
  else if (to.floor < from.floor) report('floors', `upward: ${from.room} (floor ${from.floor}) imports ${to.room} (floor ${to.floor})`);
  else if (to.floor === from.floor && from !== to && !rules.siblingsAllowed.some(([a, b]) => a === from.room && b === to.room)) {
    report('siblings', `${from.room} imports its sibling ${to.room} (both floor ${from.floor}); move the shared part down a floor`);
  }
  return found;
}

function checkText(file: SourceFile, rules: ImportRules): Violation[] {
  const lines = file.text.split('\n');
  return rules.textBans.filter((ban) => matches(ban.in, file.path)).flatMap((ban) => ban.words.flatMap((word) => {
    const pattern = wordPattern(word);
    const at = lines.flatMap((line, index) => (pattern.test(line) ? [index + 1] : []));
    if (at.length === 0) return [];
    return [{ from: file.path, to: word, rule: 'text', message: `line ${at.join(', ')}: ${ban.why}` }];
  }));
}

/** `word` standing alone: `deps.redis` is not in `deps.redisUrl` nor in `mydeps.redis`. */
function wordPattern(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w$])${escaped}${/[\w$]$/.test(word) ? '(?![\\w$])' : ''}`);
}

/** `node:fs` names `node:fs` and `node:fs/promises`; `bullmq` names `bullmq` and `bullmq/...`. */
function isPackage(specifier: string, name: string): boolean {
  return specifier === name || specifier.startsWith(`${name}/`);
}

const globs = new Map<string, RegExp>();

function matches(patterns: string[], file: string): boolean {
  return patterns.some((pattern) => {
    let compiled = globs.get(pattern);
    if (!compiled) globs.set(pattern, (compiled = globToRegExp(pattern)));
    return compiled.test(file);
  });
}

/** `*` within one folder, `**` across folders, `{a,b}` either; the rest is literal. */
function globToRegExp(glob: string): RegExp {
  let depth = 0;
  const source = glob.split(/(\*\*\/?|\*|\{|\}|,)/).map((part) => {
    if (part === '**/') return '(?:.*/)?';
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    if (part === '{') {
      depth += 1;
      return '(?:';
    }
    if (part === '}') {
      depth -= 1;
      return ')';
    }
    if (part === ',' && depth > 0) return '|';
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${source.join('')}$`);
}

/**
 * Circles of imports (type-only ones count: they tie the files' meaning together all the same).
 * Tarjan's strongly connected components: each component of two or more files is a circle, and
 * so is a file that imports itself.
 */
export function findCycles(graph: ImportGraph): Cycle[] {
  const next = new Map<string, string[]>(graph.files.map((file) => [file.path, []]));
  for (const edge of graph.edges) if (!edge.package && next.has(edge.to)) next.get(edge.from)!.push(edge.to);

  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    lowest.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file)!) {
      if (!index.has(target)) {
        visit(target);
        lowest.set(file, Math.min(lowest.get(file)!, lowest.get(target)!));
      } else if (onStack.has(target)) {
        lowest.set(file, Math.min(lowest.get(file)!, index.get(target)!));
      }
    }
    if (lowest.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    components.push(component);
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);

  return components
    .filter((component) => component.length > 1 || next.get(component[0]!)!.includes(component[0]!))
    .map((component) => {
      const files = [...component].sort();
      return { files, loop: shortestLoop({ start: files[0]!, within: new Set(files), next }) };
    })
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** The shortest way from `start` back to itself through `within` (breadth first). */
function shortestLoop(params: { start: string; within: Set<string>; next: Map<string, string[]> }): string[] {
  const { start, within, next } = params;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const target of next.get(file)!) {
      if (!within.has(target)) continue;
      if (target === start) {
        const loop = [start];
        for (let at: string | undefined = file; at !== undefined && at !== start; at = cameFrom.get(at)) loop.unshift(at);
        return [start, ...loop];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start];
}

export function formatViolation(violation: Violation): string {
  return `${violation.from} -> ${violation.to}: ${violation.rule}: ${violation.message}`;
}

export function formatCycle(cycle: Cycle): string {
  return `${cycle.loop.join(' -> ')}${cycle.files.length > 2 ? ` (circle of ${cycle.files.length}: ${cycle.files.join(', ')})` : ''}`;
}
