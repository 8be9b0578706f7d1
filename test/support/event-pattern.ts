/*
 * A small EventBridge event-pattern matcher, so that the synthesized rule patterns are checked
 * against real events offline (EventBridge's TestEventPattern needs AWS). It covers what the
 * patterns here use, as the EventBridge user guide ("Event patterns") describes it: arrays of
 * alternatives (OR), fields at one level (AND), nested objects, event arrays matching on any
 * element, exact values, `exists` (on leaf fields, null included) and `$or`. Anything else throws,
 * so a pattern this cannot judge never passes.
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
  const operator = alternatives.find((a) => !isScalar(a));
  if (operator !== undefined) {
    throw new Error(`operator ${JSON.stringify(operator)} is not supported by this matcher`);
  }
  const values: Value[] = Array.isArray(value) ? value : [value];
  return values.some((v) => v !== MISSING && alternatives.includes(v));
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
