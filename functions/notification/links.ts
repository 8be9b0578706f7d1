import { toWellFormed } from './bounded-text';
import type { NotificationContent } from './notification';

/* Console links; `undefined` when no trustworthy link can be built. */

/** Region codes only: anything else would let event data steer the link's host. */
const REGION = /^[a-z]+(?:-[a-z]+)+-\d+$/;

export const DEFAULT_BATCH_LOG_GROUP = '/aws/batch/job';

function consoleBase(region: string): string | undefined {
  if (!REGION.test(region)) return undefined;
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

/**
 * The CloudWatch console reads names in its `#logsV2:` fragment URI-encoded twice over, with `%`
 * itself written as `$25` (so `/aws/batch/job` becomes `$252Faws$252Fbatch$252Fjob`).
 */
function logsFragmentEncode(name: string): string {
  // encodeURIComponent throws on an unpaired surrogate, which no real name has but an event may.
  return encodeURIComponent(toWellFormed(name)).replace(/%/g, '$25');
}

export function logStreamUrl(region: string, logGroup: string, logStream: string): string | undefined {
  const base = consoleBase(region);
  if (!base) return undefined;
  return (
    `${base}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/` +
    `${logsFragmentEncode(logGroup)}/log-events/${logsFragmentEncode(logStream)}`
  );
}

export function batchJobUrl(region: string, jobId: string): string | undefined {
  const base = consoleBase(region);
  if (!base) return undefined;
  return `${base}/batch/home?region=${region}#jobs/detail/${encodeURIComponent(toWellFormed(jobId))}`;
}

/** The stage's CloudWatch dashboard; its name is ours, from the function's environment. */
export function dashboardUrl(region: string, dashboardName: string): string | undefined {
  const base = consoleBase(region);
  if (!base) return undefined;
  return `${base}/cloudwatch/home?region=${region}#dashboards:name=${encodeURIComponent(toWellFormed(dashboardName))}`;
}

/** `content` linking to the stage's dashboard: last in the text and the chat card, and in the document's `links`. */
export function withDashboardLink<T extends Omit<NotificationContent, 'kind'>>(
  content: T,
  region: string,
  dashboardName: string | undefined,
): T {
  const url = dashboardName === undefined ? undefined : dashboardUrl(region, dashboardName);
  if (url === undefined) return content;
  const links = (content.fields.links ?? {}) as Record<string, unknown>;
  return {
    ...content,
    summary: `${content.summary}\nStage dashboard: ${url}`,
    chat: { ...content.chat, description: `${content.chat.description}\nStage dashboard: ${url}` },
    fields: { ...content.fields, links: { ...links, dashboard: url } },
  };
}
