import { CHAT_LIMITS, chatCardDocument, chatCode } from '../../../functions/notification/chat-card';
import { ChatCardSchema } from '../../support/protocol-checks';

describe('chatCardDocument', () => {
  test('writes the custom notification schema: version 1.0, source custom, client-markdown', () => {
    const card = chatCardDocument({ title: 'T', description: 'D', keywords: ['FAILED'] }, 'e-1');
    expect(card).toEqual({
      version: '1.0',
      source: 'custom',
      id: 'e-1',
      content: { textType: 'client-markdown', title: 'T', description: 'D', keywords: ['FAILED'] },
    });
  });

  test('bounds every field, whatever it is given', () => {
    const long = 'x\n'.repeat(10_000);
    const card = chatCardDocument({
      title: long,
      description: long,
      nextSteps: Array.from({ length: 20 }, (_, i) => `step ${i}`),
      keywords: Array.from({ length: 20 }, () => long),
      threadId: long,
      summary: long,
      eventType: long,
      relatedResources: Array.from({ length: 20 }, () => long),
      additionalContext: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, long])),
    });
    const parsed = ChatCardSchema.parse(JSON.parse(JSON.stringify(card)));
    expect(parsed.content.title).toHaveLength(CHAT_LIMITS.titleChars);
    expect(parsed.content.description).toHaveLength(CHAT_LIMITS.descriptionChars);
    expect(parsed.content.nextSteps).toHaveLength(CHAT_LIMITS.nextSteps);
    expect(parsed.content.keywords).toHaveLength(CHAT_LIMITS.keywords);
    expect(Object.keys(parsed.metadata?.additionalContext ?? {})).toHaveLength(CHAT_LIMITS.contextEntries);
  });

  test('drops a next step too long to show rather than cut a link in it', () => {
    const url = `https://example.com/${'a'.repeat(CHAT_LIMITS.nextStepChars)}`;
    const card = chatCardDocument({
      title: 'T',
      description: 'D',
      nextSteps: [`Logs: ${url}`, 'Batch console: x'],
    });
    expect((card.content as { nextSteps: string[] }).nextSteps).toEqual(['Batch console: x']);
  });

  test('leaves out empty optional fields and the metadata when it has none', () => {
    const card = chatCardDocument({ title: ' ', description: '', keywords: [' '], threadId: '' });
    expect(card.metadata).toBeUndefined();
    expect(card.content).toEqual({ textType: 'client-markdown', title: '(untitled)', description: '(none)' });
  });
});

test('chatCode shows an event value as inline code on one line that cannot end the span or mention', () => {
  expect(chatCode('Essential container\nin task exited')).toBe('`Essential container in task exited`');
  expect(chatCode('x` <!channel> <@U123>')).toBe("`x' \u2039!channel\u203A \u2039@U123\u203A`");
  expect(chatCode(' ')).toBe('(none)');
});
