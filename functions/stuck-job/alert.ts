import { oneLine } from '../notification/bounded-text';
import { arnResourceName, formatDuration, formatTime } from '../notification/job-facts';
import { field } from '../notification/job-text';
import { batchJobUrl } from '../notification/links';
import { attributeValue, type NotificationContent, subjectLine } from '../notification/notification';
import type { StuckCheck } from './schedule';
import type { StuckSettings } from './settings';

/* The "Job stuck" notification, pure: what the check found, and the usual causes, likely first. */

/** A job queue or compute environment, as far as the alert reads it. */
export interface BatchResourceState {
  readonly name: string;
  readonly state?: string;
  readonly status?: string;
  readonly statusReason?: string;
  /** Compute environments only. */
  readonly maxvCpus?: number;
  readonly type?: string;
}

/** `error` when a Describe call failed. */
export interface WaitingPlace {
  readonly queue?: BatchResourceState;
  readonly computeEnvironments: readonly BatchResourceState[];
  readonly error?: string;
}

export interface StuckFacts {
  readonly check: StuckCheck;
  readonly status: string;
  readonly statusReason?: string;
  readonly waitedMillis: number;
  /** Fargate's `networkConfiguration.assignPublicIp`. */
  readonly assignPublicIp?: string;
  readonly place: WaitingPlace;
  /** As DescribeJobs returned it, kept whole for programs. */
  readonly job: unknown;
  readonly region: string;
}

export type StuckOptions = Pick<StuckSettings, 'appName' | 'stage' | 'stuckAfterMinutes'> &
  Partial<Pick<StuckSettings, 'jobsAssignPublicIp'>>;

/** Batch job-level status reasons of a RUNNABLE job that Batch has diagnosed. */
const RESOURCE_REASON = /^MISCONFIGURATION:(JOB_RESOURCE_REQUIREMENT|COMPUTE_ENVIRONMENT_MAX_RESOURCE)/;
const CAPACITY_REASON = /^CAPACITY:/;

function unhealthy(resource: BatchResourceState): boolean {
  return resource.state === 'DISABLED' || resource.status === 'INVALID';
}

export function stuckCauses(facts: StuckFacts, options: StuckOptions) {
  const { place } = facts;
  const reason = facts.statusReason ?? '';
  const environments = place.computeEnvironments;
  const maxvCpus = environments.map((ce) => `${field(ce.name)}: ${ce.maxvCpus ?? '?'}`).join(', ');
  const needsPublicIp = options.jobsAssignPublicIp === 'ENABLED';
  const causes = [
    {
      cause: 'The job queue or a compute environment is DISABLED or INVALID',
      check:
        'Batch console > Compute environments (and Job queues): the status reason says why (service role, ' +
        'subnets, security groups, Fargate quota). Fix it, then set the state to ENABLED.',
      likely: (place.queue ? unhealthy(place.queue) : false) || environments.some(unhealthy),
    },
    {
      cause: 'The compute environment is at its maxvCpus',
      check:
        `Add up the vCPUs of the RUNNING jobs on the queue against maxvCpus (${maxvCpus || 'unknown'}); ` +
        'wait for them, or raise batch.maxvCpus in the stage configuration.',
      likely: false,
    },
    {
      cause: 'The job asks for more than the compute environment can give',
      check:
        'Fargate takes only supported vCPU and memory pairs, within maxvCpus; compare the job ' +
        "definition's resourceRequirements. Batch says so in the status reason (MISCONFIGURATION:...).",
      likely: RESOURCE_REASON.test(reason),
    },
    {
      cause: 'Fargate has no capacity for the job now',
      check:
        'The status reason starts with CAPACITY:. Wait, or (with spot) let the job fall back to on-demand ' +
        'capacity by turning batch.spot off.',
      likely: CAPACITY_REASON.test(reason),
    },
    {
      cause: 'The image cannot be pulled',
      check:
        'A job that stays STARTING, or fails with CannotPullContainerError: check the image name and tag, ' +
        "the execution role's ECR permissions, and that the subnets reach the registry.",
      likely: facts.status === 'STARTING',
    },
    {
      cause: 'The task has no route to its registry (no public IP)',
      check: needsPublicIp
        ? 'This stage runs jobs in public subnets: the job definition needs networkConfiguration ' +
          'assignPublicIp ENABLED (the stage output JobsAssignPublicIp says so).'
        : 'Jobs in private subnets reach the registry through a NAT gateway or VPC endpoints; check the ' +
          "subnets' routes.",
      likely: needsPublicIp && facts.assignPublicIp !== undefined && facts.assignPublicIp !== 'ENABLED',
    },
  ];
  return [...causes.filter((c) => c.likely), ...causes.filter((c) => !c.likely)];
}

function resourceLine(resource: BatchResourceState): string {
  const parts = [resource.state ?? '?', resource.status ?? '?'];
  const reason = resource.statusReason ? `, reason: ${field(resource.statusReason)}` : '';
  const size = resource.maxvCpus !== undefined ? `, maxvCpus ${resource.maxvCpus}` : '';
  const type = resource.type ? ` (${field(resource.type)})` : '';
  return `${field(resource.name)}${type}: ${parts.join(', ')}${reason}${size}`;
}

function placeLines(place: WaitingPlace): string[] {
  const lines = [`Job queue state: ${place.queue ? resourceLine(place.queue) : '(not read)'}`];
  for (const ce of place.computeEnvironments) lines.push(`Compute environment: ${resourceLine(ce)}`);
  if (place.error) lines.push(`Could not read the queue or its compute environments: ${field(place.error)}`);
  return lines;
}

/** `<parent>` of an array child `<parent>:<index>`: the job people submitted. */
function arrayParentOf(jobId: string): string | undefined {
  const colon = jobId.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(jobId.slice(colon + 1)) ? jobId.slice(0, colon) : undefined;
}

export function stuckContent(facts: StuckFacts, options: StuckOptions): Omit<NotificationContent, 'kind'> {
  const { check } = facts;
  const name = field(check.jobName);
  const waited = formatDuration(0, facts.waitedMillis) ?? '(unknown)';
  const parent = arrayParentOf(check.jobId);
  const link = batchJobUrl(facts.region, check.jobId);
  const causes = stuckCauses(facts, options);
  const subject = subjectLine(options.appName, options.stage, `Job stuck: ${check.jobName}`);
  const headline = oneLine(`Job stuck: ${check.jobName}`, 1024);
  const causeLines = causes.flatMap((c) => [
    `- ${c.likely ? '[likely] ' : ''}${c.cause}.`,
    `  Check: ${c.check}`,
  ]);
  const summary = [
    headline,
    '',
    `Job name:        ${name}`,
    `Job id:          ${field(check.jobId)}`,
    ...(parent
      ? [`Array job:       ${field(parent)} (its first child waits; the others wait behind it)`]
      : []),
    `Job queue:       ${field(arnResourceName(check.jobQueue))}`,
    `Status:          ${field(facts.status)}, attempt ${check.attempt}`,
    `Status reason:   ${field(facts.statusReason)}`,
    `Waiting since:   ${formatTime(Date.parse(check.runnableAt))} (RUNNABLE)`,
    `Waited:          ${waited} (the stage alerts after ${options.stuckAfterMinutes} min)`,
    '',
    ...placeLines(facts.place),
    '',
    'Usual causes, and the check for each:',
    ...causeLines,
    '',
    `Batch console:   ${link ?? '(no link: unrecognised region)'}`,
    '',
    'This is the one notification for this wait; the job is not checked again.',
  ].join('\n');
  const likely = causes.filter((c) => c.likely);
  const chatDescription = [
    `*${name}* has waited ${waited} in ${field(facts.status)} on queue ${field(arnResourceName(check.jobQueue))} ` +
      `(stage ${field(options.stage)}, attempt ${check.attempt}).`,
    `Status reason: ${field(facts.statusReason)}`,
    ...placeLines(facts.place),
    ...(link ? [`Batch console: ${link}`] : []),
  ].join('\n');
  return {
    subject,
    attributes: {
      stage: attributeValue(options.stage),
      status: attributeValue(facts.status),
      jobName: attributeValue(check.jobName),
      jobQueue: attributeValue(arnResourceName(check.jobQueue)),
      eventId: attributeValue(check.eventId),
    },
    summary,
    chat: {
      title: subject,
      description: chatDescription,
      nextSteps: (likely.length > 0 ? likely : causes).map((c) => `${c.cause}: ${c.check}`),
      keywords: [options.stage, facts.status, 'stuck'].map((k) => oneLine(k, 64)),
      threadId: `${options.appName}-${options.stage}-${check.jobId}`,
      summary: oneLine(`Job stuck: ${check.jobName}`, 256),
      eventType: 'job-stuck',
      relatedResources: [check.jobQueue],
      additionalContext: { status: facts.status, stage: options.stage, jobId: check.jobId },
    },
    fields: {
      job: {
        name: check.jobName,
        id: check.jobId,
        arrayParentId: parent ?? null,
        queue: arnResourceName(check.jobQueue),
        queueArn: check.jobQueue,
        status: facts.status,
        statusReason: facts.statusReason ?? null,
        attempt: check.attempt,
        runnableAt: check.runnableAt,
        waitedSeconds: Math.round(facts.waitedMillis / 1000),
      },
      stuckAfterMinutes: options.stuckAfterMinutes,
      queue: facts.place.queue ?? null,
      computeEnvironments: facts.place.computeEnvironments,
      describeError: facts.place.error ?? null,
      causes,
      links: { batchConsole: link ?? null },
    },
    event: { check, job: facts.job },
    eventHeader: '----- Check and job (JSON) -----',
  };
}
