/**
 * Prints the repository variables the workflows read, with their values for this configuration:
 *
 *   npx tsx scripts/dev/github-variables.ts        # NAME=value lines
 *   npx tsx scripts/dev/github-variables.ts --gh   # `gh variable set` commands to run once
 */
import { GITHUB_VARIABLES, githubVariables } from '../../infra/config/github';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { appConfig } from '../../infra/config/stages';

export function variableLines(config: AppConfig, format: 'env' | 'gh'): string[] {
  return Object.entries(githubVariables(config)).map(([name, value]) =>
    format === 'gh'
      ? `gh variable set ${name} --body '${value}'  # ${GITHUB_VARIABLES[name as keyof typeof GITHUB_VARIABLES]}`
      : `${name}=${value}`,
  );
}

if (require.main === module) {
  const format = process.argv.includes('--gh') ? 'gh' : 'env';
  for (const line of variableLines(parseConfig(appConfig), format)) console.log(line);
}
