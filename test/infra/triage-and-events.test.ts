/**
 * The stack's side of docs/architecture.md "Events" and docs/http-contract.md "Read and triage
 * API": the stream, the pipe (with the very filter and template the local run applies), the bus,
 * its dead-letter queue and alarm, and the IAM-authorized read routes beside the unauthenticated
 * webhook routes.
 */
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { ROUTES, routesOf } from '../../lambda/contract/routes.ts';
import {
  DETAIL_TYPE_PATH,
  EVENT_SOURCE,
  INPUT_TEMPLATE,
  STREAM_FILTER,
} from '../../lambda/events/issue-event-pipe.ts';
import { SETTING_VARIABLES } from '../../lambda/settings.ts';
import { synthStack } from '../support/stack.ts';

describe('issue events', () => {
  const { template } = synthStack();
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const idOf = (type: string) =>
    Object.entries(resources).find(([, resource]) => resource.Type === type)?.[0];

  it('streams new and old images from the table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it("pipes the stream through the filter and template of lambda/events to the stack's own bus, with a dead-letter queue", () => {
    const dlq = new Capture();
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [idOf('AWS::DynamoDB::Table'), 'StreamArn'] },
      SourceParameters: {
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(STREAM_FILTER) }] },
        DynamoDBStreamParameters: Match.objectLike({
          StartingPosition: 'LATEST',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        }),
      },
      Target: { 'Fn::GetAtt': [idOf('AWS::Events::EventBus'), 'Arn'] },
      TargetParameters: {
        InputTemplate: INPUT_TEMPLATE,
        EventBridgeEventBusParameters: { Source: EVENT_SOURCE, DetailType: DETAIL_TYPE_PATH },
      },
    });
    expect(resources[dlq.asString()]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('lets the pipe read the one stream, put events on the one bus and send to the one queue, nothing else', () => {
    const pipeRole = Object.entries(resources).find(
      ([, resource]) =>
        resource.Type === 'AWS::IAM::Role' &&
        JSON.stringify(resource.Properties).includes('pipes.amazonaws.com'),
    )?.[0];
    const policy = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(resource.Properties.Roles).includes(String(pipeRole)),
    );
    const statements = (
      (policy?.Properties.PolicyDocument ?? { Statement: [] }) as {
        Statement: { Action: string | string[] }[];
      }
    ).Statement;
    expect(statements.map((statement) => [statement.Action].flat().sort())).toEqual([
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      ['events:PutEvents'],
      ['sqs:SendMessage'],
    ]);
  });

  it('alarms on any event that could not be published', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsDeadLetters'), 'QueueName'] },
        },
      ],
      Threshold: 1,
    });
  });
});

describe('the triage API', () => {
  const { template } = synthStack();

  it.each(routesOf('triage-api').map((route) => `${route.method} ${route.path}`))(
    'authorizes %s with IAM',
    (routeKey) => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'AWS_IAM',
      });
    },
  );

  it("leaves both webhook routes to the function's own secret check", () => {
    for (const routeKey of ['POST /api/signals/posthog', 'POST /api/signals/posthog/{token}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', Object.keys(ROUTES).length);
  });

  it('gives the API function reads of the table and its indexes, the UpdateItem of a move and claim, and the PutItem of a note', () => {
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const [apiRoleId] = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .filter(
        ([, fn]) =>
          !(
            SETTING_VARIABLES.dedupWindowSeconds in
            (fn.Properties.Environment as { Variables: object }).Variables
          ),
      )
      .map(([, fn]) => (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
    const statements = Object.values(resources)
      .filter(
        (resource) =>
          resource.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(resource.Properties.Roles).includes(String(apiRoleId)),
      )
      .flatMap(
        (policy) =>
          (
            policy.Properties.PolicyDocument as {
              Statement: { Action: string | string[]; Resource: unknown }[];
            }
          ).Statement,
      );
    expect(statements.map((statement) => [statement.Action].flat().sort())).toEqual([
      ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      ['dynamodb:Query'],
    ]);
    expect(JSON.stringify(statements[3]?.Resource)).toMatch(/index\/lookup.*index\/queue/);
  });
});
