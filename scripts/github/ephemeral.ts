/**
 * The ephemeral stages' lifecycle in the preview account, as the workflows run it (and as anyone can
 * by hand, with credentials for the preview account):
 *
 *   npx tsx scripts/github/ephemeral.ts provenance --stage br-x --branch x   # EPHEMERAL_* lines for the deploy
 *   npx tsx scripts/github/ephemeral.ts destroy --stage pr-42 [--recheck] [--retain-failed-resources]
 *   npx tsx scripts/github/ephemeral.ts plan                                 # the sweep: stages to destroy, as JSON
 *
 * Options: --region (default preview.region), --role-arn (a role to assume first: the workflows pass
 * the preview account's CDK deploy role, which the preview role may assume). `--recheck` destroys only
 * if the sweep would (pull request closed, branch deleted, idle past the TTL), asked again now. With
 * GITHUB_STEP_SUMMARY set, each command writes what it did there.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  EPHEMERAL_TAGS,
  INTEG_APP_NAME,
  PROVENANCE_VARIABLES,
  decodeTagValue,
} from '../../infra/config/ephemeral';
import { parseConfig, type AppConfig } from '../../infra/config/load';
import { stageNameFromBranch } from '../../infra/config/stage-name';
import { appConfig } from '../../infra/config/stages';
import { destroyStacks } from './destroy-stacks';
import { findEphemeralStacks, type EphemeralStack } from './ephemeral-stacks';
import {
  decide,
  ghFacts,
  groupByStage,
  planSweep,
  summaryMarkdown,
  type GitHubFacts,
} from './ephemeral-sweep';
import { assumeRole, runAsMain } from '../script-support';

const SCRIPT = 'ephemeral';
const USAGE = 'usage: ephemeral.ts provenance|destroy|plan --stage <name> [--branch <name>] [--recheck]';

export interface Environment {
  readonly cfn: CloudFormationClient;
  readonly github: GitHubFacts;
  readonly config: AppConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly now: Date;
  readonly out: (text: string) => void;
  readonly summary: (markdown: string) => void;
}

/** Every ephemeral stack of this repository, or of one of its stages. */
async function stacksOf(environment: Environment, stage?: string): Promise<EphemeralStack[]> {
  const { appName, github } = environment.config;
  const repository = `${github.owner}/${github.repository}`;
  const all = await findEphemeralStacks(environment.cfn, {
    appName,
    repository,
    integAppName: INTEG_APP_NAME,
  });
  return all.filter((s) => stage === undefined || s.stage === stage);
}

const sweepSettings = ({ config, now }: Environment) => ({ ttlDays: config.preview.ttlDays, now });

/**
 * The provenance a deploy tags the stage with: the run and time of the stage's first deploy (kept
 * from its stacks' tags, so later deploys leave the tags as they are) and the exact branch. Refuses a
 * branch whose stage already belongs to another branch.
 */
async function provenanceLines(environment: Environment, stage: string, branch?: string): Promise<string[]> {
  const { env, now } = environment;
  const existing = (await stacksOf(environment, stage)).find((s) => s.tags[EPHEMERAL_TAGS.stage] === stage);
  const tagged = existing?.tags ?? {};
  const owner = tagged[EPHEMERAL_TAGS.branch];
  if (branch !== undefined && stageNameFromBranch(branch) !== stage) {
    throw new Error(
      `branch '${branch}' names stage '${stageNameFromBranch(branch) ?? 'none'}', not '${stage}'`,
    );
  }
  if (branch !== undefined && owner !== undefined && decodeTagValue(owner) !== branch) {
    throw new Error(`stage ${stage} belongs to branch '${decodeTagValue(owner)}', not '${branch}'`);
  }
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const values: Record<string, string | undefined> = {
    [PROVENANCE_VARIABLES.branch]: branch,
    [PROVENANCE_VARIABLES.run]: tagged[EPHEMERAL_TAGS.run] ?? run,
    [PROVENANCE_VARIABLES.createdAt]:
      tagged[EPHEMERAL_TAGS.createdAt] ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [PROVENANCE_VARIABLES.keepUntil]: env[PROVENANCE_VARIABLES.keepUntil] || tagged[EPHEMERAL_TAGS.keepUntil],
  };
  return Object.entries(values).flatMap(([name, value]) => (value ? [`${name}=${value}`] : []));
}

/** Destroys every stack of the stage (only when the sweep would, with `recheck`); false if any stays. */
async function destroyStage(
  environment: Environment,
  stage: string,
  options: { recheck?: boolean; retainFailedResources?: boolean },
): Promise<boolean> {
  const stacks = await stacksOf(environment, stage);
  const [group] = groupByStage(stacks);
  if (!group) {
    environment.summary(summaryMarkdown(`Stage \`${stage}\`: no stacks`, []));
    return true;
  }
  if (options.recheck) {
    const decision = await decide(group, environment.github, sweepSettings(environment));
    if (!decision.destroy) {
      environment.summary(summaryMarkdown(`Stage \`${stage}\`: kept`, [decision]));
      return true;
    }
  }
  const report = await destroyStacks(environment.cfn, stacks, options);
  environment.summary(summaryMarkdown(`Stage \`${stage}\``, [], report));
  return report.failed.length === 0;
}

export async function run(argv: readonly string[], environment: Environment): Promise<boolean> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      branch: { type: 'string' },
      recheck: { type: 'boolean' },
      'retain-failed-resources': { type: 'boolean' },
      region: { type: 'string' },
      'role-arn': { type: 'string' },
    },
  });
  const [command] = positionals;
  if (command === 'plan') {
    // The stages to destroy, as a JSON array for the sweep's matrix, with every decision in the summary.
    const stacks = await stacksOf(environment);
    const decisions = await planSweep(stacks, environment.github, sweepSettings(environment));
    environment.summary(summaryMarkdown('Sweep: ephemeral stages found', decisions));
    const unnamed = (await environment.github.branches()).filter((b) => stageNameFromBranch(b) === undefined);
    if (unnamed.length > 0) {
      const list = unnamed.map((b) => `\`${b}\``).join(', ');
      environment.summary(`Branches with no ASCII letter or digit name no stage, and have none: ${list}\n`);
    }
    environment.out(JSON.stringify(decisions.filter((d) => d.destroy).map((d) => d.stage)));
    return true;
  }
  if (!values.stage || (command !== 'provenance' && command !== 'destroy')) throw new Error(USAGE);
  if (command === 'provenance') {
    for (const line of await provenanceLines(environment, values.stage, values.branch)) environment.out(line);
    return true;
  }
  return destroyStage(environment, values.stage, {
    recheck: values.recheck,
    retainFailedResources: values['retain-failed-resources'],
  });
}

if (require.main === module) {
  runAsMain(SCRIPT, async () => {
    const config = parseConfig(appConfig);
    const argv = process.argv.slice(2);
    const { values } = parseArgs({ args: argv, allowPositionals: true, strict: false });
    const region = typeof values.region === 'string' ? values.region : config.preview.region;
    const roleArn = typeof values['role-arn'] === 'string' ? values['role-arn'] : undefined;
    // A chained session lasts at most an hour; the provider renews it while the job's own session lasts.
    const sessionName = `ephemeral-${process.env.GITHUB_RUN_ID ?? 'local'}`;
    const credentials = roleArn ? assumeRole({ roleArn, sessionName, region }) : undefined;
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    const ok = await run(argv, {
      cfn: new CloudFormationClient({ region, credentials }),
      github: ghFacts(process.env.GITHUB_REPOSITORY ?? `${config.github.owner}/${config.github.repository}`),
      config,
      env: process.env,
      now: new Date(),
      out: (text) => console.log(text),
      summary: (markdown) =>
        summaryFile ? appendFileSync(summaryFile, `${markdown}\n`) : console.error(markdown),
    });
    if (!ok) throw new Error('some stacks could not be destroyed (see above)');
  });
}
