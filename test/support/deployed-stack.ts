import { FakeAwsEndpoint, type Reply } from '../../dev/fake-aws-endpoint.ts';

/** A deployed stack as CloudFormation and Lambda describe it: its outputs and its webhook's environment. */
export interface FakeDeployment {
  readonly stackName: string;
  readonly tableName: string;
  readonly webhookFunctionName: string;
  /** The webhook function's environment variables. */
  readonly environment: Record<string, string>;
}

const XML = 'text/xml';
const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function xml(action: string, result: string): Reply {
  return {
    status: 200,
    contentType: XML,
    text: `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/**
 * A stand-in for CloudFormation (query protocol, XML) and Lambda (REST, JSON) that describes one
 * deployment; point the SDK at it with AWS_ENDPOINT_URL_CLOUDFORMATION and AWS_ENDPOINT_URL_LAMBDA.
 * `failLambda` answers GetFunctionConfiguration with an error instead.
 */
export async function fakeDeployment(
  deployment: FakeDeployment,
  { failLambda }: { failLambda?: { status: number; type: string } } = {},
): Promise<FakeAwsEndpoint> {
  const fake = await FakeAwsEndpoint.start();
  const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${deployment.stackName}/1`;
  fake.reply = (call) => {
    const form = new URLSearchParams(call.text);
    if (form.get('Action') === 'DescribeStackResources') {
      if (form.get('PhysicalResourceId') !== deployment.tableName) {
        return { status: 400, contentType: XML, text: errorXml('ValidationError', 'Stack does not exist') };
      }
      return xml(
        'DescribeStackResources',
        `<StackResources><member><StackId>${stackId}</StackId><StackName>${deployment.stackName}</StackName><LogicalResourceId>SignalsTable89526324</LogicalResourceId><PhysicalResourceId>${deployment.tableName}</PhysicalResourceId><ResourceType>AWS::DynamoDB::Table</ResourceType><Timestamp>2026-11-01T00:00:00Z</Timestamp><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member></StackResources>`,
      );
    }
    if (form.get('Action') === 'DescribeStacks') {
      const outputs = {
        TableName: deployment.tableName,
        WebhookFunctionName: deployment.webhookFunctionName,
      };
      const members = Object.entries(outputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
        )
        .join('');
      return xml(
        'DescribeStacks',
        `<Stacks><member><StackId>${stackId}</StackId><StackName>${deployment.stackName}</StackName><CreationTime>2026-11-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks>`,
      );
    }
    if (call.path === `/2015-03-31/functions/${deployment.webhookFunctionName}/configuration`) {
      if (failLambda)
        return { status: failLambda.status, body: { Type: 'User', Message: 'refused by the fake' } };
      return {
        status: 200,
        body: {
          FunctionName: deployment.webhookFunctionName,
          Environment: { Variables: deployment.environment },
        },
      };
    }
    return { status: 400, body: { message: `the fake does not answer ${call.method} ${call.path}` } };
  };
  return fake;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
}

/**
 * Points the AWS SDK's clients at DynamoDB Local and the fake deployment, with dummy credentials,
 * for the duration of a test; returns the function that puts the environment back.
 */
export function awsEnvironmentFor(endpoints: { dynamoDb: string; deployment: string }): () => void {
  const values: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'fake',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDb,
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.deployment,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.deployment,
  };
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
