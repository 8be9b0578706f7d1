import type { z } from 'zod';

/**
 * The schema's issues as a person reads them: `<setting path>: <problem and fix>`. Two kinds get more
 * than zod says: a setting unknown where it stands (it may belong under another parent), and a value
 * of the wrong type (zod's "expected number, received string" names no fix). Parse with
 * `{ reportInput: true }` so that issues carry the value.
 */
export function describeIssues(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  prefix: string,
): string[] {
  const settings = settingPaths(schema);
  return issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, key) =>
        typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
      prefix,
    );
    return `${path || '(root)'}: ${message(issue, settings)}`;
  });
}

function message(issue: z.core.$ZodIssue, settings: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    const here = issue.path.map((key) => (typeof key === 'number' ? '[]' : `.${String(key)}`)).join('');
    return issue.keys.map((key) => unknownSetting(key, here.replace(/^\./, ''), settings)).join('; ');
  }
  // zod's own wording starts with "Invalid input"; the schema's messages already name the fix.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return wrongType(issue.expected, issue.input);
  }
  return issue.message;
}

function unknownSetting(key: string, here: string, settings: readonly string[]): string {
  const relative = (path: string): string => path.slice(here === '' ? 0 : here.length + 1);
  const scope = settings.filter((path) => here === '' || path.startsWith(`${here}.`));
  const named = (paths: readonly string[], same: (a: string, b: string) => boolean): string[] =>
    paths.filter((path) => same(path.split('.').at(-1) ?? '', key));
  const exact = (a: string, b: string): boolean => a === b;
  const anyCase = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const below = named(scope, exact).map(relative);
  if (below.length > 0) return `'${key}' is not a setting here: move it to ${below.join(' or ')}`;
  const elsewhere = named(settings, exact);
  if (elsewhere.length > 0) return `'${key}' is not a setting here: it belongs at ${elsewhere.join(' or ')}`;
  const similar = named(scope, anyCase).map(relative);
  if (similar.length > 0) return `unknown setting '${key}': did you mean ${similar.join(' or ')}?`;
  const known = scope.map(relative).filter((rest) => /^[^.[]+$/.test(rest));
  return `unknown setting '${key}': check the spelling; the settings here are ${known.join(', ')}`;
}

function wrongType(expected: string, input: unknown): string {
  const got = input === undefined ? 'nothing' : `${typeof input} ${JSON.stringify(input)}`;
  const unquoted = typeof input === 'string' ? input.trim() : '';
  let fix = '';
  if (expected === 'number' && unquoted !== '' && !Number.isNaN(Number(unquoted)))
    fix = `: write ${unquoted} without quotes`;
  else if (expected === 'boolean' && (unquoted === 'true' || unquoted === 'false'))
    fix = `: write ${unquoted} without quotes`;
  else if (expected === 'object') fix = ': write its settings inside { }';
  else if (expected === 'array') fix = ': write a list inside [ ]';
  return `must be a ${expected}, got ${got}${fix}`;
}

/** Every setting's path in the schema, arrays as `[]`: e.g. `stages[].batch.spot`. */
function settingPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = schema._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    element?: z.ZodType;
    in?: z.ZodType;
  };
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...settingPaths(child, path)];
    });
  }
  if (def.type === 'array' && def.element) return settingPaths(def.element, `${prefix}[]`);
  const inner = def.innerType ?? def.in;
  return inner ? settingPaths(inner, prefix) : [];
}
