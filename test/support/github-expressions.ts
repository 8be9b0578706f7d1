/**
 * GitHub Actions expressions in `if:`, `concurrency` and `${{ }}` strings, evaluated by GitHub's own
 * parser and evaluator (@actions/expressions, the one the Actions language services use), so that the
 * tests read the workflows as GitHub does. A context the caller does not give, or a function GitHub
 * does not define, fails to parse rather than being misread.
 *
 * The status functions are the workflow runner's, not the language's: here `success()` and `always()`
 * hold and `failure()` and `cancelled()` do not, as for a job whose needs all succeeded.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

const STATUS: FunctionDefinition[] = [
  ['success', true],
  ['always', true],
  ['failure', false],
  ['cancelled', false],
].map(([name, holds]) => ({
  name: name as string,
  minArgs: 0,
  maxArgs: 0,
  call: () => new data.BooleanData(holds as boolean),
}));

function evaluateData(source: string, context: Record<string, Value>): data.ExpressionData {
  const lexed = new Lexer(source).lex();
  const expression = new Parser(lexed.tokens, Object.keys(context), STATUS).parse();
  const contexts = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return new Evaluator(expression, contexts, new Map(STATUS.map((f) => [f.name, f]))).evaluate();
}

export function evaluate(source: string, context: Record<string, Value>): Value {
  return JSON.parse(JSON.stringify(evaluateData(source, context), data.replacer) ?? 'null') as Value;
}

export function evaluateCondition(condition: unknown, context: Record<string, Value>): boolean {
  if (condition === undefined) return true;
  if (typeof condition === 'boolean') return condition;
  if (typeof condition !== 'string')
    throw new Error(`a condition must be a string, got ${JSON.stringify(condition)}`);
  const source = condition.trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(source)?.[1] ?? source;
  return truthy(evaluateData(inner, context));
}

/** A string with `${{ }}` parts, such as a concurrency group, with each part evaluated. */
export function interpolate(template: string, context: Record<string, Value>): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) =>
    evaluateData(inner, context).coerceString(),
  );
}
