import { matchesEventPattern } from './event-pattern';

const EVENT = {
  source: 'aws.batch',
  'detail-type': 'Batch Job State Change',
  region: 'eu-west-1',
  resources: ['arn:a', 'arn:b'],
  detail: { status: 'FAILED', attempts: 2, nothing: null, arrayProperties: { size: 3 } },
};

describe('matchesEventPattern', () => {
  test.each([
    ['an exact value', { source: ['aws.batch'] }, true],
    ['another exact value', { source: ['aws.ec2'] }, false],
    ['one of several values (OR)', { detail: { status: ['SUCCEEDED', 'FAILED'] } }, true],
    ['every field (AND), one wrong', { source: ['aws.batch'], detail: { status: ['SUCCEEDED'] } }, false],
    ['a number', { detail: { attempts: [2] } }, true],
    ['null', { detail: { nothing: [null] } }, true],
    ['a value of a missing field', { detail: { missing: ['x'] } }, false],
    ['any element of an event array', { resources: ['arn:b'] }, true],
    ['no element of an event array', { resources: ['arn:c'] }, false],
    ['a nested field', { detail: { arrayProperties: { size: [3] } } }, true],
    ['a nested field, wrong value', { detail: { arrayProperties: { size: [4] } } }, false],
    ['exists: true on a present leaf', { detail: { arrayProperties: { size: [{ exists: true }] } } }, true],
    ['exists: true on a null leaf', { detail: { nothing: [{ exists: true }] } }, true],
    [
      'exists: false on a present leaf',
      { detail: { arrayProperties: { size: [{ exists: false }] } } },
      false,
    ],
    [
      'exists: false on a missing leaf',
      { detail: { arrayProperties: { index: [{ exists: false }] } } },
      true,
    ],
    [
      'exists: false under a missing object',
      { detail: { nodeDetails: { nodeIndex: [{ exists: false }] } } },
      true,
    ],
    [
      'exists: true under a missing object',
      { detail: { nodeDetails: { nodeIndex: [{ exists: true }] } } },
      false,
    ],
    ['an $or of which one matches', { $or: [{ source: ['x'] }, { region: ['eu-west-1'] }] }, true],
    ['an $or of which none matches', { $or: [{ source: ['x'] }, { region: ['x'] }] }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matchesEventPattern(pattern, EVENT)).toBe(expected);
  });

  test('fails on an operator it does not implement (prefix), rather than passing', () => {
    expect(() => matchesEventPattern({ region: [{ prefix: 'eu-' }] }, EVENT)).toThrow(
      'operator {"prefix":"eu-"} is not supported by this matcher',
    );
  });

  test('fails on a pattern leaf that is not an array', () => {
    expect(() => matchesEventPattern({ source: 'aws.batch' }, EVENT)).toThrow(
      "pattern field 'source' must be an array or an object",
    );
  });
});
