import { Stack } from 'aws-cdk-lib';
import { PIPELINE_TOOLS, PipelineTools, type PipelineTool } from '../../../infra/pipeline/pipeline-tools';
import { testApp } from '../../support/cdk';

describe('PipelineTools', () => {
  test.each(Object.keys(PIPELINE_TOOLS) as PipelineTool[])('runs %s with node from its bundle', (tool) => {
    // GIVEN the tools in a stack
    const tools = new PipelineTools(new Stack(testApp(), 'Pipeline'), 'Tools');
    // WHEN
    const command = tools.command(tool);
    // THEN one directory holds every tool's bundle, named after the tool
    expect(command).toMatch(new RegExp(`^node \\S+/${tool}\\.cjs$`));
  });
});
