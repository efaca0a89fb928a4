/**
 * Fills `{{name}}` placeholders. Every placeholder must have a value and every value must
 * be used, so a template and its planner cannot drift apart silently.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`template has no placeholder for ${unused.join(', ')}`);
  // An empty optional step leaves a blank line; collapse runs of them.
  return out.replace(/\n{3,}/g, '\n\n');
}

/** JSON (exec) form for CMD/ENTRYPOINT: no shell as PID 1, signals reach the app. */
export function execForm(argv: string[]): string {
  return JSON.stringify(argv);
}
