import { oneLine, toSingleLine, toWellFormed, truncateChars } from './bounded-text';

/*
 * The `https` body: a custom notification of Amazon Q Developer in chat applications, shown as a
 * card in Slack or Teams. The guide gives no lengths, so the bounds are ours, well under a message.
 */

export interface ChatCard {
  title: string;
  description: string;
  nextSteps?: string[];
  keywords?: string[];
  threadId?: string;
  summary?: string;
  eventType?: string;
  relatedResources?: string[];
  additionalContext?: Record<string, string>;
}

export const CHAT_LIMITS = {
  titleChars: 250,
  descriptionChars: 4000,
  nextSteps: 5,
  nextStepChars: 1000,
  keywords: 5,
  keywordChars: 64,
  metadataChars: 256,
  relatedResources: 5,
  resourceChars: 1024,
  contextEntries: 10,
  contextKeyChars: 64,
  contextValueChars: 256,
} as const;

/** An event value as inline code: backticks would end the span, `<!channel>` would mention. */
export function chatCode(value: string, max = 256): string {
  const safe = oneLine(value, max).replace(/`/g, "'").replace(/</g, '\u2039').replace(/>/g, '\u203A');
  return safe === '' ? '(none)' : `\`${safe}\``;
}

/** With `whole`, items too long are dropped, not cut: a cut URL is a broken link. */
function list(
  values: readonly string[] = [],
  count: number,
  max: number,
  whole = false,
): string[] | undefined {
  const kept = values
    .map((value) => (whole ? toSingleLine(value) : oneLine(value, max)))
    .filter((value) => value !== '' && value.length <= max);
  return kept.length > 0 ? kept.slice(0, count) : undefined;
}

function context(entries: Record<string, string> | undefined): Record<string, string> | undefined {
  const kept = Object.entries(entries ?? {})
    .slice(0, CHAT_LIMITS.contextEntries)
    .map(([key, value]): [string, string] => [
      oneLine(key, CHAT_LIMITS.contextKeyChars),
      oneLine(value, CHAT_LIMITS.contextValueChars),
    ])
    .filter(([key]) => key !== '');
  return kept.length > 0 ? Object.fromEntries<string>(kept) : undefined;
}

const optionalLine = (value = '') => oneLine(value, CHAT_LIMITS.metadataChars) || undefined;

export function chatCardDocument(card: ChatCard, id?: string): Record<string, unknown> {
  const metadata = {
    threadId: optionalLine(card.threadId),
    summary: optionalLine(card.summary),
    eventType: optionalLine(card.eventType),
    relatedResources: list(card.relatedResources, CHAT_LIMITS.relatedResources, CHAT_LIMITS.resourceChars),
    additionalContext: context(card.additionalContext),
  };
  const hasMetadata = Object.values(metadata).some((value) => value !== undefined);
  return {
    version: '1.0',
    source: 'custom',
    id: optionalLine(id),
    content: {
      textType: 'client-markdown',
      title: oneLine(card.title, CHAT_LIMITS.titleChars) || '(untitled)',
      description: truncateChars(toWellFormed(card.description), CHAT_LIMITS.descriptionChars) || '(none)',
      nextSteps: list(card.nextSteps, CHAT_LIMITS.nextSteps, CHAT_LIMITS.nextStepChars, true),
      keywords: list(card.keywords, CHAT_LIMITS.keywords, CHAT_LIMITS.keywordChars),
    },
    metadata: hasMetadata ? metadata : undefined,
  };
}
