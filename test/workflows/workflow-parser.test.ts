import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { loadWorkflows } from '../support/workflows';

/** GitHub's own workflow parser (@actions/workflow-parser) reads the workflows as the tests' YAML loader does. */
describe.each(loadWorkflows().map((w) => [w.file, w] as const))('%s', (file, workflow) => {
  test("parses without an error by GitHub's parser, with the jobs and needs the tests read", async () => {
    const parsed = parseWorkflow({ name: file, content: workflow.text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    const jobs = template.jobs.map((j) => [j.id.value, [...(j.needs ?? [])].map((n) => n.value)]);
    expect(jobs).toEqual(Object.entries(workflow.jobs).map(([id, job]) => [id, [job.needs ?? []].flat()]));
  });
});

test('fails on what GitHub refuses, such as a key the workflow syntax does not have', async () => {
  const content = 'on: push\njobs:\n  a:\n    runs-on: x\n    timeout: 5\n    steps: [{ run: echo }]\n';
  const parsed = parseWorkflow({ name: 'bad.yml', content }, new NoOperationTraceWriter());
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect((template.errors ?? []).map((e) => e.Message)).toEqual([
    expect.stringMatching(/Unexpected value 'timeout'/),
  ]);
});
