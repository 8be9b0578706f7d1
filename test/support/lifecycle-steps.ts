/**
 * What a job of the lifecycle model does, read from the `run:` text of its steps: cdk deploy and
 * destroy, the ephemeral script, integ-runner, the turn, the sweep's find. The preview target is the
 * script's own function.
 */
import type { AppConfig } from '../../infra/config/schema';
import { stageNameFromBranch } from '../../infra/config/stage-name';
import { previewTarget } from '../../scripts/github/preview-target';
import { evaluateCondition, interpolate, type Value } from './github-expressions';
import { stepEnvironment, type Job, type Trigger, type Workflow } from './workflows';

/** What a stage's code synthesizes: the app name and the stacks besides JobBase. */
export interface Code {
  readonly appName: string;
  readonly extraStacks?: readonly string[];
}

export const MAIN: Code = { appName: 'jobs' };

export type Effect =
  | { kind: 'deploy'; stage: string; code: Code }
  | { kind: 'cdk-destroy'; stage: string; code: Code }
  | { kind: 'destroy'; stage: string; recheck: boolean }
  | { kind: 'integ' }
  | { kind: 'find' }
  | { kind: 'plan' }
  | { kind: 'turn' }
  | { kind: 'fail' }
  | { kind: 'upload'; commit: unknown }
  | { kind: 'none' };

export interface JobSteps {
  readonly job: Job;
  readonly trigger: Trigger;
  readonly config: AppConfig;
  /** The job's expression contexts as they stand: each step's outputs change them. */
  readonly context: () => Record<string, Value>;
  /** The `steps` context, filled in here. */
  readonly steps: Record<string, { outputs: Record<string, string> }>;
  /** The code the job checked out. */
  readonly code: () => Code;
  /** Whether the run's pull request is open, or its branch exists, as the job asks. */
  readonly stillCurrent: (what: 'change' | 'main') => boolean;
}

const EPHEMERAL = 'scripts\\/(?:github\\/)?ephemeral\\.ts';

/** What the job's last effectful step does; sets the step outputs later steps and jobs read. */
export function effectOf({ job, trigger, config, context, steps, code, stillCurrent }: JobSteps): Effect {
  let effect: Effect = { kind: 'none' };
  for (const step of job.steps ?? []) {
    const current = context();
    if (step.if && !/success\(\)|always\(\)/.test(step.if) && !evaluateCondition(step.if, current)) continue;
    const env = Object.fromEntries(
      Object.entries({ ...job.env, ...step.env }).map(([k, v]) => [k, interpolate(String(v), current)]),
    );
    const setOutputs = (outputs: Record<string, string>): void => {
      if (step.id) steps[step.id] = { outputs };
    };
    const text = step.run ?? '';
    // The integ job's refusal of a turn taken by an earlier attempt fails the job.
    if (
      text.includes('TURN_ATTEMPT') &&
      env.TURN_ATTEMPT !== interpolate('${{ github.run_attempt }}', current)
    )
      return { kind: 'fail' };
    if (/preview-target\.ts --still-current/.test(text))
      setOutputs({ current: String(stillCurrent('change')) });
    else if (/git\/ref\/heads\/main/.test(text)) setOutputs({ current: String(stillCurrent('main')) });
    else if (/put-object/.test(text)) effect = { kind: 'upload', commit: trigger.commit };
    else if (text.includes('scripts/github/preview-target.ts')) {
      const { name, action } = previewTarget(config, stepEnvironment(trigger));
      setOutputs({ name, action });
    } else if (/scripts\/stage-name\.ts --pr/.test(text)) {
      const pr = trigger.eventName === 'pull_request';
      setOutputs({ name: pr ? `pr-${trigger.prNumber ?? 42}` : (stageNameFromBranch(trigger.ref) ?? '') });
    } else if (/npx cdk deploy/.test(text)) effect = { kind: 'deploy', stage: env.STAGE ?? '', code: code() };
    else if (/npx cdk destroy/.test(text))
      effect = { kind: 'cdk-destroy', stage: env.STAGE ?? '', code: code() };
    else if (new RegExp(`${EPHEMERAL} destroy`).test(text)) {
      // The integ job's clean-up of leftovers comes before integ-runner, which decides.
      if (effect.kind !== 'integ')
        effect = {
          kind: 'destroy',
          stage: /--stage integ/.test(text) ? 'integ' : (env.STAGE ?? ''),
          recheck: /--recheck|\$RECHECK/.test(text) && (env.RECHECK ?? '--recheck') !== '',
        };
    } else if (new RegExp(`${EPHEMERAL} plan`).test(text)) effect = { kind: 'plan' };
    else if (/list-stacks/.test(text)) effect = { kind: 'find' };
    else if (/npm run integ:update/.test(text)) effect = { kind: 'integ' };
    else if (/scripts\/(?:github\/)?integ-turn\.ts/.test(text)) effect = { kind: 'turn' };
  }
  return effect;
}

/** Whether a job deploys, destroys, tests against AWS or reads the account. */
export const effectful = (job: Job): boolean =>
  (job.steps ?? []).some((s) =>
    /npx cdk (deploy|destroy)|scripts\/(?:github\/)?ephemeral\.ts|integ:update|npm test|list-stacks|put-object/.test(
      s.run ?? '',
    ),
  );

/** Whether the workflow's deploys tag their stacks (`ephemeral.ts provenance`). */
export const tagsStacks = (workflow: Workflow): boolean =>
  Object.values(workflow.jobs).some((j) =>
    (j.steps ?? []).some((s) => /ephemeral\.ts provenance/.test(s.run ?? '')),
  );

/** The status filter of the sweep's `list-stacks` step. */
export const listStacksFilter = (job: Job): string[] =>
  /--stack-status-filter ([A-Z_ \\\n]+)/
    .exec(job.steps?.find((s) => /list-stacks/.test(s.run ?? ''))?.run ?? '')?.[1]
    ?.split(/[\s\\]+/) ?? [];
