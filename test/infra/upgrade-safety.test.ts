import { synthStack } from '../support/stack.ts';

/**
 * The logical IDs a deployed stack's resources were created under. CloudFormation replaces a
 * resource whose logical ID changes: the table (deletion-protected, so the upgrade would fail),
 * the secret (a new value PostHog does not know), the queues and their messages, the bus, the
 * logs; the API and its stage would change the URL PostHog holds, and a second event source
 * mapping on one queue is refused. Whatever moves in the code, these stay.
 */
const DEPLOYED = {
  SignalsTable89526324: 'AWS::DynamoDB::Table',
  WebhookSecretF21E29CC: 'AWS::SecretsManager::Secret',
  DeliveryQueueDeliveries9D72A44F: 'AWS::SQS::Queue',
  DeliveryQueueDeadLettersDAAF5EFC: 'AWS::SQS::Queue',
  EventsBus45DE4339: 'AWS::Events::EventBus',
  EventsDeadLetters8A90034E: 'AWS::SQS::Queue',
  WebhookLogsAA703ADA: 'AWS::Logs::LogGroup',
  DrainLogsB8F83A97: 'AWS::Logs::LogGroup',
  ReadApiLogsBC088859: 'AWS::Logs::LogGroup',
  ApiAccessLogsE9DF007D: 'AWS::Logs::LogGroup',
  MonitoringAlarmTopicAF62D4F1: 'AWS::SNS::Topic',
  ApiF70053CD: 'AWS::ApiGatewayV2::Api',
  Stage0E8C2AF5: 'AWS::ApiGatewayV2::Stage',
  DrainSource0F9E3AF0: 'AWS::Lambda::EventSourceMapping',
} as const;

describe('upgrading a deployed stack', () => {
  const resources = synthStack().template.toJSON().Resources as Record<string, { Type: string }>;

  it.each(Object.entries(DEPLOYED))('keeps %s (%s) under the logical ID it was deployed with', (id, type) => {
    expect(resources[id]?.Type).toBe(type);
  });

  it('holds its data in no table, secret, queue or bus but these', () => {
    const data = [
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::SQS::Queue',
      'AWS::Events::EventBus',
    ];
    const ids = Object.entries(resources)
      .filter(([, resource]) => data.includes(resource.Type))
      .map(([id]) => id)
      .sort();
    expect(ids).toEqual(
      Object.entries(DEPLOYED)
        .filter(([, type]) => data.includes(type))
        .map(([id]) => id)
        .sort(),
    );
  });
});
