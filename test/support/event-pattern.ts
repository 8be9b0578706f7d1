/*
 * A small EventBridge event-pattern matcher for tests: the rule patterns the stacks synthesize are
 * checked against real event shapes offline (EventBridge's TestEventPattern needs AWS).
 *
 * Covers what the patterns here use, as the EventBridge user guide ("Event patterns", "Content
 * filtering", "Comparison operators") describes it:
 * - a pattern field holds an array of alternatives (OR); fields at one level must all match (AND);
 * - nested objects match nested objects of the event;
 * - an event value that is an array matches when any element matches;
 * - exact values (strings, numbers, booleans, null); `prefix`; `exists` (presence of a leaf field,
 *   whatever its value, null included); `anything-but` with one value, a list, or `{ prefix }`;
 * - `$or`: an array of sub-patterns at one level, of which at least one must match ("Using OR
 *   matching"), besides the other fields of that level.
 * Anything else (numeric, wildcard, ...) throws, so a pattern this cannot judge never passes.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type EventPattern = { readonly [key: string]: unknown };

const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function matchesPrefix(prefix: unknown, value: Value): boolean {
  if (typeof prefix !== 'string') throw new Error(`prefix takes a string, not ${JSON.stringify(prefix)}`);
  return typeof value === 'string' && value.startsWith(prefix);
}

function matchesAnythingBut(excluded: unknown, value: Value): boolean {
  // Anything-but judges a value that is there: a missing field matches nothing but `exists: false`.
  if (value === MISSING) return false;
  if (isObject(excluded)) {
    const keys = Object.keys(excluded);
    if (keys.length !== 1 || keys[0] !== 'prefix') {
      throw new Error(`anything-but supports a value, a list or { prefix }, not ${JSON.stringify(excluded)}`);
    }
    return !matchesPrefix(excluded.prefix, value);
  }
  const list = Array.isArray(excluded) ? excluded : [excluded];
  if (!list.every((item) => typeof item === 'string' || typeof item === 'number')) {
    throw new Error(`anything-but takes strings or numbers, not ${JSON.stringify(excluded)}`);
  }
  return !list.includes(value as string | number);
}

/** One alternative of a leaf's array against one event value (an element, if the event has an array). */
function matchesAlternative(alternative: unknown, value: Value): boolean {
  if (isScalar(alternative)) return value !== MISSING && value === alternative;
  if (!isObject(alternative)) throw new Error(`unsupported alternative ${JSON.stringify(alternative)}`);
  const keys = Object.keys(alternative);
  if (keys.length !== 1) throw new Error(`one operator per alternative: ${JSON.stringify(alternative)}`);
  const operator = keys[0]!;
  const operand = alternative[operator];
  switch (operator) {
    case 'prefix':
      return matchesPrefix(operand, value);
    case 'anything-but':
      return matchesAnythingBut(operand, value);
    default:
      throw new Error(`operator '${operator}' is not supported by this matcher`);
  }
}

function matchesLeaf(alternatives: readonly unknown[], value: Value): boolean {
  const exists = alternatives.find((a) => isObject(a) && 'exists' in a) as { exists: unknown } | undefined;
  if (exists) {
    if (alternatives.length !== 1 || typeof exists.exists !== 'boolean') {
      throw new Error(`exists takes a boolean and stands alone: ${JSON.stringify(alternatives)}`);
    }
    // Only leaf fields can be tested for existence; an object or array here is not a leaf.
    const present = value !== MISSING && (isScalar(value) || Array.isArray(value));
    return exists.exists === present;
  }
  const values: Value[] = Array.isArray(value) ? value : [value];
  return values.some((v) => alternatives.some((alternative) => matchesAlternative(alternative, v)));
}

function matchesObject(pattern: EventPattern, event: Value): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) {
        throw new Error(`$or takes an array of at least two patterns, not ${JSON.stringify(sub)}`);
      }
      return sub.some((alternative) => matchesObject(alternative, event));
    }
    const value: Value = isObject(event) && key in event ? (event[key] as Json) : MISSING;
    if (Array.isArray(sub)) return matchesLeaf(sub, value);
    if (isObject(sub)) return matchesObject(sub, value);
    throw new Error(`pattern field '${key}' must be an array or an object, not ${JSON.stringify(sub)}`);
  });
}

/** Whether EventBridge would deliver `event` to a rule with `pattern`. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, event as Json);
}
