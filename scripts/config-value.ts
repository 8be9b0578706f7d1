/**
 * Prints one value of the validated configuration, for workflows that need it in a shell:
 *
 *   npx tsx scripts/config-value.ts appName          # jobs
 *   npx tsx scripts/config-value.ts preview.region   # ap-northeast-1
 *
 * Only strings, numbers and booleans print; anything else is an error that lists what can.
 */
import { parseConfig } from '../infra/config/load';
import { appConfig } from '../infra/config/stages';

/** The value at a dotted path of the configuration, as text. */
export function configValue(config: unknown, path: string): string {
  const value = path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
      config,
    );
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`'${path}' is not a value of the configuration; one of: ${scalarPaths(config).join(', ')}`);
}

function scalarPaths(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return prefix ? [prefix] : [];
  return Object.entries(node).flatMap(([key, child]) =>
    Array.isArray(child) ? [] : scalarPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

if (require.main === module) {
  try {
    const [path, ...rest] = process.argv.slice(2);
    if (!path || rest.length > 0) throw new Error('usage: config-value.ts <path>, e.g. appName');
    console.log(configValue(parseConfig(appConfig), path));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
