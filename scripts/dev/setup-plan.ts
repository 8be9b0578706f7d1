/**
 * Prints the first-time setup for this configuration (docs/setup.md explains each step):
 *
 *   npm run setup-plan
 *
 * Placeholders still in infra/config/stages.ts come first, as problems; then the numbered steps, each
 * with whose credentials it needs, its commands, and what it makes that a later step uses.
 */
import { ConfigError } from '../../infra/config/config-error';
import { previewAccount } from '../../infra/config/github';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { appConfig } from '../../infra/config/stages';
import { placeholderProblems } from './setup-placeholders';
import type { SetupStep } from './setup-step';
import { setupSteps } from './setup-steps';

function actorLine(config: AppConfig, actor: SetupStep['actor']): string {
  if (actor === 'clone') return 'your clone, no credentials';
  const { owner, repository } = config.github;
  if (actor === 'github') return `gh, logged in as an administrator of ${owner}/${repository}`;
  const uses = [
    ...(actor.aws === config.pipeline.account ? ['the pipeline'] : []),
    ...config.stages.filter((s) => s.account === actor.aws).map((s) => `stage ${s.name}`),
    ...(previewAccount(config) === actor.aws ? ['previews'] : []),
  ];
  return `administrator credentials for AWS account ${actor.aws} (${uses.join(', ')})`;
}

export function setupPlanLines(config: AppConfig): string[] {
  const problems = placeholderProblems(config);
  const steps = setupSteps(config);
  const madeIn = new Map(steps.flatMap((step, i) => step.produces.map((a) => [a.id, { ...a, step: i + 1 }])));
  const lines = problems.length
    ? [`Problems: fix these in infra/config/stages.ts, then run npm run setup-plan again.`]
    : [];
  lines.push(...problems.map((p) => `  - ${p}`), ...(problems.length ? [''] : []));
  lines.push(`The setup of ${config.appName}, in ${steps.length} steps:`);
  steps.forEach((step, i) => {
    const needs = step.needs.map((id) => {
      const made = madeIn.get(id);
      return made ? `${made.what} (step ${made.step})` : id;
    });
    lines.push(
      '',
      `${i + 1}. ${step.title}`,
      `   as:       ${actorLine(config, step.actor)}`,
      `   needs:    ${needs.join('; ') || 'nothing'}`,
      ...step.commands.map((command) => `   $ ${command}`),
      `   produces: ${step.produces.map((a) => a.what).join('; ')}`,
    );
  });
  return lines;
}

if (require.main === module) {
  try {
    for (const line of setupPlanLines(parseConfig(appConfig))) console.log(line);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
