/**
 * A deployed stack as the CLI finds it, by the stack's name (`--stack`) or its table's
 * (`--table`): its outputs (the table, the webhook's URL and function, the secret) and the
 * settings its webhook function runs with — read from the function's own environment, so that
 * what the CLI files (`replay`) is filed exactly as a live delivery would be.
 */
import { createSecretsManagerClient } from '../lambda/aws/clients.ts';
import { type FunctionSettings, readSettings } from '../lambda/settings.ts';

/** What the CLI needs of a deployed stack. */
export interface Deployment {
  readonly stackName: string;
  /** The stack's outputs, by key (`TableName`, `WebhookUrl`, `WebhookSecretArn`, …). */
  readonly outputs: ReadonlyMap<string, string>;
}

/** A stack, or the stack a table belongs to. */
export type DeploymentReference = { readonly stack: string } | { readonly table: string };

// Looser than the function's fail-fast timeouts: a first TLS handshake from a laptop can be slow.
export const CLI_CLIENT_SETTINGS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;
/** The most one of the CLI's AWS calls may take, retries included. */
export const CLI_DEADLINE_MS = 15_000;

/** Finds the stack and reads its outputs; throws with a message that says what is missing. */
export async function findDeployment(reference: DeploymentReference): Promise<Deployment> {
  const { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } = await import(
    '@aws-sdk/client-cloudformation'
  );
  const cloudFormation = new CloudFormationClient({ ...CLI_CLIENT_SETTINGS });
  try {
    let stackName: string;
    if ('stack' in reference) {
      stackName = reference.stack;
    } else {
      // A resource's physical id names the stack that owns it.
      const { StackResources = [] } = await cloudFormation.send(
        new DescribeStackResourcesCommand({ PhysicalResourceId: reference.table }),
      );
      const owner = StackResources[0]?.StackName;
      if (!owner) throw new Error(`table ${reference.table} belongs to no CloudFormation stack`);
      stackName = owner;
    }
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = new Map<string, string>();
    for (const { OutputKey, OutputValue } of Stacks[0]?.Outputs ?? []) {
      if (OutputKey && OutputValue !== undefined) outputs.set(OutputKey, OutputValue);
    }
    return { stackName, outputs };
  } finally {
    cloudFormation.destroy();
  }
}

/** One of a stack's outputs; throws naming it when the stack has none (deployed by an older version). */
export function outputOf(deployment: Deployment, key: string): string {
  const value = deployment.outputs.get(key);
  if (value === undefined) {
    throw new Error(
      `stack ${deployment.stackName} has no ${key} output: deploy this version of the stack (npx cdk deploy) first`,
    );
  }
  return value;
}

/** The settings the stack's webhook function runs with: its environment, read as the function reads it. */
export async function deployedSettings(deployment: Deployment): Promise<FunctionSettings> {
  const { LambdaClient, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const lambda = new LambdaClient({ ...CLI_CLIENT_SETTINGS });
  try {
    const { Environment } = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: outputOf(deployment, 'WebhookFunctionName') }),
    );
    return readSettings(Environment?.Variables ?? {});
  } finally {
    lambda.destroy();
  }
}

/** A Secrets Manager secret's value (the webhook secret, for `webhook-url`). */
export async function secretValue(secretId: string): Promise<string> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const secretsManager = createSecretsManagerClient({ ...CLI_CLIENT_SETTINGS }, CLI_DEADLINE_MS);
  try {
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the secret is empty or binary');
    return SecretString;
  } finally {
    secretsManager.destroy();
  }
}
