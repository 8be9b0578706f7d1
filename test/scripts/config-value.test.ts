import { configValue } from '../../scripts/config-value';
import { exampleConfig } from '../support/cdk';

describe('config-value script', () => {
  test('prints a value at a dotted path of the validated configuration', () => {
    const config = exampleConfig();
    expect(configValue(config, 'appName')).toBe('jobs');
    expect(configValue(config, 'preview.region')).toBe('ap-northeast-1');
    expect(configValue(config, 'github.previewEnvironment')).toBe('preview');
  });

  test('fails on a path that is not a value, listing the paths that are', () => {
    expect(() => configValue(exampleConfig(), 'preview')).toThrow(
      /'preview' is not a value of the configuration; one of: appName, pipeline\.account, .*preview\.region/,
    );
  });
});
