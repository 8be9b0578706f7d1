import { ConfigError } from '../../../infra/config/config-error';
import { parseConfig } from '../../../infra/config/load';
import { exampleWith } from '../../support/cdk';

describe('pipeline.compute', () => {
  test('defaults to Lambda compute', () => {
    expect(parseConfig(exampleWith('pipeline', {})).pipeline.compute).toBe('lambda');
  });

  test.each(['lambda', 'ec2'] as const)('takes %s', (compute) => {
    expect(parseConfig(exampleWith('pipeline', { compute })).pipeline.compute).toBe(compute);
  });

  test('takes ec2 in a region without Lambda compute', () => {
    const config = parseConfig(exampleWith('pipeline', { region: 'eu-west-3', compute: 'ec2' }));
    expect(config.pipeline).toMatchObject({ region: 'eu-west-3', compute: 'ec2' });
  });

  test('fails in a region without Lambda compute, naming the setting, the regions and the fix', () => {
    // GIVEN the pipeline in Paris, where CodeBuild has no Lambda compute, with the default compute
    const input = exampleWith('pipeline', { region: 'eu-west-3' });
    // THEN
    expect(() => parseConfig(input)).toThrow(ConfigError);
    expect(() => parseConfig(input)).toThrow(
      'pipeline.compute: CodeBuild has no Lambda compute in eu-west-3 (only in us-east-1, us-east-2, ' +
        'us-west-2, ap-south-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1, eu-west-1, ' +
        "sa-east-1): set pipeline.compute to 'ec2', or put the pipeline in one of those regions",
    );
  });

  test('fails for an unknown compute', () => {
    expect(() => parseConfig(exampleWith('pipeline', { compute: 'fargate' }))).toThrow(
      /^.*pipeline\.compute:/m,
    );
  });
});
