import {
  batchJobUrl,
  dashboardUrl,
  logStreamUrl,
  withDashboardLink,
} from '../../../functions/notification/links';

describe('logStreamUrl', () => {
  test('links the CloudWatch console to the stream, with the names encoded as the console expects', () => {
    expect(logStreamUrl('eu-west-1', '/aws/batch/job', 'report/default/abc123')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1' +
        '#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/report$252Fdefault$252Fabc123',
    );
  });

  test('encodes characters that would end the fragment or the path', () => {
    const url = logStreamUrl('us-east-1', '/jobs/a b', 'x#y?z');
    expect(url).toContain('/log-group/$252Fjobs$252Fa$2520b/log-events/x$2523y$253Fz');
  });

  test('uses the China and GovCloud consoles for their regions, and none for what is not a region code', () => {
    expect(logStreamUrl('cn-north-1', 'g', 's')).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
    expect(logStreamUrl('us-gov-west-1', 'g', 's')).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\//);
    expect(logStreamUrl('evil.example.com/', 'g', 's')).toBeUndefined();
    expect(logStreamUrl('', 'g', 's')).toBeUndefined();
  });
});

describe('batchJobUrl', () => {
  test('links the Batch console to the job', () => {
    expect(batchJobUrl('us-east-1', 'abc-123')).toBe(
      'https://us-east-1.console.aws.amazon.com/batch/home?region=us-east-1#jobs/detail/abc-123',
    );
  });

  test('encodes the # of a multi-node job id, and gives no link for what is not a region code', () => {
    expect(batchJobUrl('us-east-1', 'abc#0')).toMatch(/#jobs\/detail\/abc%230$/);
    expect(batchJobUrl('us east 1', 'abc')).toBeUndefined();
  });

  test('links of names with unpaired surrogates are built from the well-formed name', () => {
    expect(logStreamUrl('us-east-1', '/aws/batch/job', 'a\uD800b')).toMatch(
      /\/log-events\/a\$25EF\$25BF\$25BDb$/,
    );
    expect(batchJobUrl('us-east-1', 'id\uDFFF')).toMatch(/#jobs\/detail\/id%EF%BF%BD$/);
  });
});

describe('dashboardUrl', () => {
  test("links the CloudWatch console to the stage's dashboard, in the region's console", () => {
    expect(dashboardUrl('eu-west-1', 'jobs-dev')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=jobs-dev',
    );
    expect(dashboardUrl('cn-north-1', 'jobs-dev')).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
    expect(dashboardUrl('not a region', 'jobs-dev')).toBeUndefined();
  });
});

describe('withDashboardLink', () => {
  const content = {
    subject: 's',
    attributes: { stage: 'dev', status: 'FAILED', jobName: 'j', jobQueue: 'q', eventId: 'e' },
    summary: 'Job failed: j',
    chat: { title: 't', description: 'd', nextSteps: ['Batch console: x'] },
    fields: { links: { batchConsole: 'x' } },
    event: {},
  };
  const URL =
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=jobs-dev';

  test("links the text, the chat card and the document to the stage's dashboard", () => {
    expect(withDashboardLink(content, 'eu-west-1', 'jobs-dev')).toEqual({
      ...content,
      summary: `Job failed: j\nStage dashboard: ${URL}`,
      chat: { ...content.chat, description: `d\nStage dashboard: ${URL}` },
      fields: { links: { batchConsole: 'x', dashboard: URL } },
    });
  });

  test('leaves the content as it is without a dashboard name, or in a region it cannot link to', () => {
    expect(withDashboardLink(content, 'eu-west-1', undefined)).toBe(content);
    expect(withDashboardLink(content, 'evil.example.com/', 'jobs-dev')).toBe(content);
  });
});
