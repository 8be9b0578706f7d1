/**
 * A small evaluator for the GitHub Actions expressions the workflows use in `if:` and `concurrency`,
 * so that tests can tell which jobs a trigger runs. It covers literals, context paths (with `*`
 * filters), `!`, `==`, `!=`, `&&`, `||`, parentheses and the functions `contains`, `startsWith`,
 * `format`, `fromJSON`, `success` and `always`; anything else throws, so that a workflow that
 * outgrows it fails loudly rather than being misread.
 *
 * Semantics follow GitHub's documentation: `&&` and `||` return an operand; `false`, `0`, `''` and
 * `null` are falsy; strings compare case-insensitively; a missing property is `null`.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'word'; value: string }
  | { kind: 'op'; value: string };

const TOKEN =
  /\s*(?:'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|&&|\|\||[!(),.*[\]]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (!/^\s*$/.test(source.slice(TOKEN.lastIndex))) {
    const at = TOKEN.lastIndex;
    const [, string, number, word, op] = TOKEN.exec(source) ?? [];
    if (string !== undefined) tokens.push({ kind: 'string', value: string.replaceAll("''", "'") });
    else if (number !== undefined) tokens.push({ kind: 'number', value: Number(number) });
    else if (word !== undefined) tokens.push({ kind: 'word', value: word });
    else if (op !== undefined) tokens.push({ kind: 'op', value: op });
    else throw new Error(`expression: unexpected '${source.slice(at).trim()}' in: ${source}`);
  }
  return tokens;
}

function truthy(value: Value): boolean {
  return !(value === false || value === null || value === 0 || value === '');
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b || a === null || b === null) return a === b;
  return Number(a) === Number(b);
}

function property(value: Value, key: string): Value {
  if (Array.isArray(value)) return value.map((item) => property(item, key));
  if (value !== null && typeof value === 'object') return value[key] ?? null;
  return null;
}

function text(value: Value): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  contains: (haystack, needle) =>
    Array.isArray(haystack)
      ? haystack.some((item) => equal(item, needle ?? null))
      : text(haystack)
          .toLowerCase()
          .includes(text(needle ?? null).toLowerCase()),
  startsWith: (s, prefix) =>
    text(s)
      .toLowerCase()
      .startsWith(text(prefix ?? null).toLowerCase()),
  format: (template, ...args) =>
    text(template).replace(/\{(\d+)\}/g, (_, index: string) => text(args[Number(index)] ?? null)),
  fromJSON: (json) => JSON.parse(text(json)) as Value,
  success: () => true,
  always: () => true,
};

/** Evaluates one expression (without `${{ }}`) against a context such as `{ github, inputs }`. */
export function evaluate(source: string, context: Record<string, Value>): Value {
  const tokens = tokenize(source);
  let position = 0;
  const isOp = (value: string): boolean => {
    const token = tokens[position];
    return token?.kind === 'op' && token.value === value;
  };
  const accept = (value: string): boolean => isOp(value) && ++position > 0;
  const expect = (value: string): void => {
    if (!accept(value)) throw new Error(`expression: expected '${value}' in: ${source}`);
  };

  const primary = (): Value => {
    const token = tokens[position++];
    if (!token) throw new Error(`expression: unexpected end of: ${source}`);
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const value = or();
      expect(')');
      return value;
    }
    if (token.kind === 'op' && token.value === '!') return !truthy(primary());
    if (token.kind !== 'word') throw new Error(`expression: unexpected '${token.value}' in: ${source}`);
    if (token.value === 'true' || token.value === 'false') return token.value === 'true';
    if (token.value === 'null') return null;
    if (accept('(')) {
      const fn = FUNCTIONS[token.value];
      if (!fn) throw new Error(`expression: unsupported function ${token.value}() in: ${source}`);
      const args: Value[] = [];
      while (!accept(')')) {
        args.push(or());
        accept(',');
      }
      return fn(...args);
    }
    if (!(token.value in context))
      throw new Error(`expression: unknown context '${token.value}' in: ${source}`);
    let value: Value = context[token.value] ?? null;
    while (accept('.')) {
      const next = tokens[position++];
      if (next?.kind === 'op' && next.value === '*') {
        value = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
      } else if (next?.kind === 'word') {
        value = property(value, next.value);
      } else {
        throw new Error(`expression: bad property access in: ${source}`);
      }
    }
    return value;
  };
  const comparison = (): Value => {
    let left = primary();
    for (let op; (op = ['==', '!='].find(accept));) left = equal(left, primary()) === (op === '==');
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (accept('&&')) {
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (accept('||')) {
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };

  const value = or();
  if (position !== tokens.length) throw new Error(`expression: trailing tokens in: ${source}`);
  return value;
}

/** A job's `if:`, which may or may not be wrapped in `${{ }}`; no condition means it runs. */
export function evaluateCondition(condition: unknown, context: Record<string, Value>): boolean {
  if (condition === undefined) return true;
  if (typeof condition === 'boolean') return condition;
  if (typeof condition !== 'string')
    throw new Error(`a condition must be a string, got ${JSON.stringify(condition)}`);
  const source = condition.trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(source)?.[1] ?? source;
  return truthy(evaluate(inner, context));
}

/** A string with `${{ }}` parts, such as a concurrency group, with each part evaluated. */
export function interpolate(template: string, context: Record<string, Value>): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => text(evaluate(inner, context)));
}
