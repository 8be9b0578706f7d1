/** The outputs pipeline steps and workflows read, with their descriptions. */
export const JOB_BASE_OUTPUTS = {
  JobQueueArn: 'Submit jobs to this queue',
  JobQueueName: 'Name of the job queue',
  JobsAssignPublicIp: 'assignPublicIp for Fargate job definitions on this queue',
  SuccessHandlerName: 'Success handler',
  SuccessHandlerArn: 'Success handler ARN',
  ErrorHandlerName: 'Error handler',
  ErrorHandlerArn: 'Error handler ARN',
  TopicArn: 'Job notifications are published here',
  DeadLetterQueueUrl: 'Events whose notification failed',
  DashboardName: "The stage's CloudWatch dashboard (docs/operations.md)",
  DashboardUrl: "The stage's CloudWatch dashboard in the console",
  SmokeTestQueueUrl: 'Queue subscribed to the topic, for smoke tests',
  SmokeTestJobDefinitionArn: 'A job that succeeds',
  SmokeTestRoleArn: 'Role the smoke step assumes',
} as const;

export type JobBaseOutputName = keyof typeof JOB_BASE_OUTPUTS;
