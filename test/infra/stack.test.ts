import { App, Validations } from 'aws-cdk-lib';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfigFrom } from '../../infra/config.ts';
import { PosthogSignalsStack } from '../../infra/stack.ts';
import { environmentFor, SETTING_VARIABLES } from '../../lambda/settings.ts';
import { CDK_JSON_CONTEXT, synthStack } from '../support/stack.ts';

/** CloudFormation JSON as the assertions library types it. */
type TemplateJson = ReturnType<Template['toJSON']>;

const EXISTING_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:posthog-webhook-AbCdEf';

describe('the HTTP API', () => {
  const { template } = synthStack();

  it('is an HTTP API with the webhook route and its token route to the function (payload 2.0)', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/signals/posthog',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/signals/posthog/{token}',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('has one stage with default throttling and JSON access logs to a log group with retention', () => {
    const logGroup = new Capture();
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logGroup, 'Arn'] },
        Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
      },
    });
    expect(template.toJSON().Resources[logGroup.asString()].Properties.RetentionInDays).toBe(30);
  });

  it('logs the route in its access log, never the path, which holds the URL token', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.routeKey).toBe('$context.routeKey');
    expect(Object.values(format).some((value) => /path|resourcePath|rawPath/i.test(value))).toBe(false);
  });

  it('takes stage name and throttling from context', () => {
    const { template: configured } = synthStack({
      stageName: 'live',
      throttleRateLimit: '5',
      throttleBurstLimit: 10,
    });
    configured.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });
});

describe('the functions', () => {
  const { template } = synthStack();
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>;
  const typeOf = (reference: unknown) => {
    const text = JSON.stringify(reference);
    return Object.entries(resources).find(([id]) => text.includes(`"${id}"`))?.[1].Type;
  };
  /** The function whose environment has exactly these variables (and the stack's name, which all have). */
  const functionWith = (variables: string[]) => {
    variables = [...variables, SETTING_VARIABLES.stackName];
    const found = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        Object.keys(resource.Properties.Environment.Variables).sort().join() === [...variables].sort().join(),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties ?? {};
  };
  const V = SETTING_VARIABLES;
  const FILING = [V.tableName, V.dedupWindowSeconds, V.groupFirings, V.episodeGapSeconds];
  const webhook = () =>
    functionWith([...FILING, V.secretArn, V.secretGraceSeconds, V.secretMaxStaleSeconds, V.deliveryQueueUrl]);
  const drain = () => functionWith([...FILING, V.deliveryQueueUrl]);
  /** Every statement of the policies of a function's role, as actions → the type of resource. */
  const grantsOf = (fn: TemplateJson) => {
    const roleId = fn.Role['Fn::GetAtt'][0];
    const policies = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId),
    );
    return policies
      .flatMap(
        (policy) =>
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .map((statement) => ({ actions: [statement.Action].flat().sort(), on: typeOf(statement.Resource) }));
  };

  it('are five (webhook, drain, triage API, board view and board action), all Node.js 24 on arm64 with JSON logs, active tracing and 512 MB, loaded from index.mjs', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const { Properties: fn } of functions) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Handler: 'index.handler',
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO' }),
        TracingConfig: { Mode: 'Active' },
        // Their metrics' `stack` dimension.
        Environment: { Variables: expect.objectContaining(environmentFor({ stackName: 'TestStack' })) },
      });
      expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    }
    expect(webhook().Timeout).toBe(10);
    expect(drain().Timeout).toBe(30);
  });

  it('give the webhook the table, the secret and the queue through its environment', () => {
    const variables = webhook().Environment.Variables;
    expect(typeOf(variables[V.tableName])).toBe('AWS::DynamoDB::Table');
    expect(typeOf(variables[V.secretArn])).toBe('AWS::SecretsManager::Secret');
    // The queue URL is the queue's Ref, set by the stack.
    expect(variables[V.deliveryQueueUrl]).toEqual({ Ref: expect.any(String) });
    expect(typeOf(variables[V.deliveryQueueUrl])).toBe('AWS::SQS::Queue');
    expect(variables).toMatchObject(
      environmentFor({
        dedupWindowSeconds: 600,
        secretGraceSeconds: 24 * 3_600,
        secretMaxStaleSeconds: 60 * 60,
        groupFirings: true,
        episodeGapSeconds: 24 * 3_600,
      }),
    );
    expect(drain().Environment.Variables[V.deliveryQueueUrl]).toEqual(variables[V.deliveryQueueUrl]);
  });

  it('take the dedup window, the secret grace period and the stale-secret bound from context', () => {
    const { template: configured } = synthStack({
      dedupWindowMinutes: 30,
      secretGraceHours: 0,
      secretMaxStaleMinutes: 0,
    });
    configured.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike(
          environmentFor({ dedupWindowSeconds: 1_800, secretGraceSeconds: 0, secretMaxStaleSeconds: 0 }),
        ),
      },
    });
  });

  it('reserve concurrency for the webhook only when configured', () => {
    const { template: configured } = synthStack({ webhookReservedConcurrency: 20 });
    const reserved = Object.values(configured.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.ReservedConcurrentExecutions,
    );
    expect(reserved.filter((count) => count !== undefined)).toEqual([20]);
    configured.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ [SETTING_VARIABLES.secretArn]: Match.anyValue() }) },
    });
  });

  it("give both filing functions the grouping settings and the self-hosted PostHog's host from context, grouping on by default", () => {
    const { template: configured } = synthStack({
      groupFirings: 'false',
      episodeGapHours: 6,
      posthogHost: 'posthog.example.com',
    });
    const functions = Object.values(configured.findResources('AWS::Lambda::Function')).filter(
      (fn) => SETTING_VARIABLES.dedupWindowSeconds in fn.Properties.Environment.Variables,
    );
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject(
        environmentFor({
          groupFirings: false,
          episodeGapSeconds: 6 * 3_600,
          posthogHost: 'posthog.example.com',
        }),
      );
    }
    expect(functions).toHaveLength(2);
  });

  it('log to log groups of their own with the configured retention', () => {
    const { template: configured } = synthStack({ logRetentionDays: 90 });
    const functions = Object.values(configured.findResources('AWS::Lambda::Function'));
    const groups = functions.map((fn) => fn.Properties.LoggingConfig.LogGroup.Ref as string);
    expect(new Set(groups).size).toBe(5);
    for (const group of groups)
      expect(configured.toJSON().Resources[group].Properties.RetentionInDays).toBe(90);
  });

  const TRACES = { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], on: undefined };
  // What filing a delivery takes on the table, for the webhook and the drain alike.
  const FILING_GRANT = {
    actions: [
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ],
    on: 'AWS::DynamoDB::Table',
  };

  it('let the webhook write its logs, read the one secret, write and read the one table, and only send to the queue', () => {
    expect(grantsOf(webhook())).toEqual([
      TRACES,
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: 'AWS::Logs::LogGroup' },
      {
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        on: 'AWS::SecretsManager::Secret',
      },
      FILING_GRANT,
      { actions: ['sqs:SendMessage'], on: 'AWS::SQS::Queue' },
    ]);
  });

  it('let the drain write its logs, write and read the one table, and only consume the queue', () => {
    expect(grantsOf(drain())).toEqual([
      TRACES,
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: 'AWS::Logs::LogGroup' },
      FILING_GRANT,
      {
        actions: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        on: 'AWS::SQS::Queue',
      },
    ]);
  });

  /** The function whose description starts with `text`. */
  const functionDescribed = (text: string) => {
    const found = Object.entries(resources).filter(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.Description).startsWith(text),
    );
    expect(found).toHaveLength(1);
    return { id: found[0]?.[0] ?? '', fn: found[0]?.[1].Properties ?? {} };
  };
  const boardView = () => functionDescribed('The triage board: the open issues');
  const boardAction = () => functionDescribed("The triage board's moves");
  const INDEX_QUERY = { actions: ['dynamodb:Query'], on: 'AWS::DynamoDB::Table' };

  it("let the board's view only read the table, and know the action function its buttons call", () => {
    const { fn } = boardView();
    expect(grantsOf(fn)).toEqual([
      TRACES,
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: 'AWS::Logs::LogGroup' },
      { actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'], on: 'AWS::DynamoDB::Table' },
      INDEX_QUERY,
    ]);
    expect(fn.Environment.Variables[V.boardActionArn]).toEqual({ 'Fn::GetAtt': [boardAction().id, 'Arn'] });
  });

  it("give the board's action function the board's only write", () => {
    expect(grantsOf(boardAction().fn)).toEqual([
      TRACES,
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: 'AWS::Logs::LogGroup' },
      {
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        on: 'AWS::DynamoDB::Table',
      },
      INDEX_QUERY,
    ]);
  });

  it('let people see the board or also move issues from it: two policies, viewing and acting apart', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
      (policy) => policy.Properties as { Description: string; PolicyDocument: { Statement: unknown[] } },
    );
    const invoked = (description: string) =>
      policies
        .filter((policy) => policy.Description === description)
        .flatMap((policy) => policy.PolicyDocument.Statement)
        .flatMap((statement) => {
          const { Action, Effect, Resource } = statement as {
            Action: string;
            Effect: string;
            Resource: unknown;
          };
          expect({ Action, Effect }).toEqual({ Action: 'lambda:InvokeFunction', Effect: 'Allow' });
          return [Resource].flat().map((arn) => JSON.stringify(arn));
        })
        .sort();
    const arnOf = (id: string) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
    expect(policies).toHaveLength(2);
    expect(invoked("See the Loop triage board in the stack's dashboard (not move issues)")).toEqual([
      arnOf(boardView().id),
    ]);
    expect(invoked("See the Loop triage board in the stack's dashboard and move issues from it")).toEqual(
      [arnOf(boardView().id), arnOf(boardAction().id)].sort(),
    );
  });

  it("grant nothing with a wildcard but X-Ray's (which names no resource), and use no managed policy", () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const statements = policy.Properties.PolicyDocument.Statement as {
        Action: unknown;
        Resource: unknown;
      }[];
      const wildcards = statements.filter((statement) => JSON.stringify(statement).includes('*'));
      for (const statement of wildcards) {
        expect(statement).toEqual({
          Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
          Effect: 'Allow',
          Resource: '*',
        });
      }
    }
    // The functions' roles: no managed policy (the board's two are for people, not functions).
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('the delivery queue', () => {
  const { template } = synthStack();
  const queues = template.findResources('AWS::SQS::Queue');
  const [deliveriesId, deliveries] =
    Object.entries(queues).find(([, queue]) => queue.Properties.RedrivePolicy) ?? [];
  const deadLettersId = deliveries?.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
  const deadLetters = queues[deadLettersId];

  it('is a standard queue with a dead-letter queue after 10 attempts, both encrypted', () => {
    expect(Object.keys(queues)).toHaveLength(3);
    expect(deliveries?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId, 'Arn'] }, maxReceiveCount: 10 },
    });
    expect(deliveries?.Properties.FifoQueue).toBeUndefined();
    expect(deadLetters?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('hides a received delivery six times as long as the drain may take', () => {
    expect(deliveries?.Properties.VisibilityTimeout).toBe(6 * 30);
  });

  it('accepts only TLS', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds the drain in batches of 10, reporting failed items, two batches at a time', () => {
    const drainId = Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([, fn]) => fn.Properties.Timeout === 30,
    )?.[0];
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: drainId },
      EventSourceArn: { 'Fn::GetAtt': [deliveriesId, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('the table', () => {
  const { template } = synthStack();

  it('is on-demand with point-in-time recovery, TTL, AWS-managed encryption, deletion protection, retained on delete', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        // SSEEnabled without a key or type: KMS with the AWS-managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('has the keys and indexes of the shared table design', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'lookup', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        Match.objectLike({
          IndexName: 'queue',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: Match.objectLike({
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: Match.arrayWith(['title', 'priority']),
          }),
        }),
      ],
    });
  });
});

describe('the secret', () => {
  it('is generated: 48 letters and digits, retained on delete', () => {
    const { template } = synthStack();
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
      }),
    });
  });

  it('is imported, not created, when context names an existing secret', () => {
    const { template } = synthStack({ webhookSecretArn: EXISTING_SECRET_ARN });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POSTHOG_WEBHOOK_SECRET_ARN: EXISTING_SECRET_ARN }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: EXISTING_SECRET_ARN,
          }),
        ]),
      },
    });
  });
});

describe('the outputs', () => {
  const { template } = synthStack();

  it('give the webhook URL, the secret, the table, the queues and the commands that print the secret and the token URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiBaseUrl',
      'BoardTriagerPolicyArn',
      'BoardViewerPolicyArn',
      'DashboardName',
      'DeadLetterQueueArn',
      'DeadLetterQueueUrl',
      'DeliveryQueueUrl',
      'EventBusArn',
      'EventBusName',
      'EventDeadLetterQueueUrl',
      'GetWebhookSecretCommand',
      'GetWebhookUrlCommand',
      'TableName',
      'WebhookFunctionName',
      'WebhookSecretArn',
      'WebhookSecretName',
      'WebhookUrl',
    ]);
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toContain('/api/signals/posthog');
    expect(JSON.stringify(outputs.GetWebhookSecretCommand?.Value)).toContain(
      'aws secretsmanager get-secret-value',
    );
    expect(JSON.stringify(outputs.GetWebhookSecretCommand?.Value)).toContain(
      '--query SecretString --output text',
    );
    // The token URL is never an output (outputs are readable by anyone who can describe the stack).
    expect(JSON.stringify(outputs.GetWebhookUrlCommand?.Value)).toContain(
      'npm run signals -- webhook-url --stack TestStack',
    );
  });
});

describe('stack configuration', () => {
  it.each([
    [
      { stageName: 'has space' },
      'Context stageName must be $default or 1-128 letters, digits, - or _, got "has space"',
    ],
    [
      { throttleRateLimit: 'fast' },
      'Context throttleRateLimit must be a whole number from 1 to 10000, got "fast"',
    ],
    [{ throttleRateLimit: 0 }, 'Context throttleRateLimit must be a whole number from 1 to 10000, got 0'],
    [
      { throttleBurstLimit: 2.5 },
      'Context throttleBurstLimit must be a whole number from 1 to 5000, got 2.5',
    ],
    [
      { throttleRateLimit: 200, throttleBurstLimit: 100 },
      'Context throttleBurstLimit (100) must be at least throttleRateLimit (200)',
    ],
    [
      { webhookSecretArn: 'my-secret' },
      'Context webhookSecretArn must be a Secrets Manager secret ARN, got "my-secret"',
    ],
    [
      { logRetentionDays: 31 },
      /^Context logRetentionDays must be one of CloudWatch's values \(1, 3, 5, 7, 14, 30, 60, 90,.*\), got 31$/,
    ],
    [{ alarmEmail: 'not-an-address' }, 'Context alarmEmail must be an e-mail address, got "not-an-address"'],
    [{ stageName: 42 }, 'Context stageName must be a string, got 42'],
    [{ dedupWindowMinutes: 0 }, 'Context dedupWindowMinutes must be a whole number from 1 to 10080, got 0'],
    [{ secretGraceHours: -1 }, 'Context secretGraceHours must be a whole number from 0 to 720, got -1'],
    [{ groupFirings: 'yes' }, 'Context groupFirings must be true or false, got "yes"'],
    [
      { posthogHost: 'https://posthog.example.com' },
      'Context posthogHost must be a lower-case host name such as posthog.example.com, got "https://posthog.example.com"',
    ],
    [{ episodeGapHours: 0 }, 'Context episodeGapHours must be a whole number from 1 to 720, got 0'],
    [{ quietPeriodHours: 200 }, 'Context quietPeriodHours must be a whole number from 0 to 168, got 200'],
    [
      { secretMaxStaleMinutes: 2_000 },
      'Context secretMaxStaleMinutes must be a whole number from 0 to 1440, got 2000',
    ],
    [
      { alarmHttpsUrl: 'http://example.com/hook' },
      'Context alarmHttpsUrl must be an https:// URL, got "http://example.com/hook"',
    ],
    [
      { slackWorkspaceId: 'T0123ABCD' },
      'Context slackWorkspaceId and slackChannelId go together: set both or neither',
    ],
    [
      { slackChannelId: 'c-general' },
      'Context slackChannelId must be a Slack channel id (e.g. C0123ABCD), got "c-general"',
    ],
    [
      { domainName: 'signals.example.com' },
      'Context domainName and certificateArn go together: set both or neither',
    ],
    [
      {
        domainName: 'Signals.Example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      },
      'Context domainName must be a lower-case domain name such as signals.example.com, got "Signals.Example.com"',
    ],
    [
      { webhookReservedConcurrency: -5 },
      'Context webhookReservedConcurrency must be a whole number from 0 to 1000, got -5',
    ],
    [
      { stackName: 'loop posthog' },
      'Context stackName must be a CloudFormation stack name (a letter, then up to 127 letters, digits or -), got "loop posthog"',
    ],
  ])('rejects %p', (context, message) => {
    expect(() => stackConfigFrom((key) => (context as Record<string, unknown>)[key])).toThrow(message);
  });

  it('defaults every setting', () => {
    expect(stackConfigFrom(() => undefined)).toEqual({
      stackName: 'LoopPosthogSignals',
      stageName: '$default',
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      logRetentionDays: 30,
      dedupWindowMinutes: 10,
      secretGraceHours: 24,
      groupFirings: true,
      episodeGapHours: 24,
      secretMaxStaleMinutes: 60,
      alarmEmail: undefined,
      quietPeriodHours: undefined,
    });
  });
});

describe('upgrading a stack deployed before the constructs were split', () => {
  it('keeps the logical IDs of the table, the secret, the API and its stage: updated in place, never replaced', () => {
    const { template } = synthStack();
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    // A replaced API would change the URL in PostHog, a replaced secret its value, and a second
    // `$default` stage cannot be created before the first is deleted.
    expect(resources).toMatchObject({
      SignalsTable89526324: { Type: 'AWS::DynamoDB::Table' },
      WebhookSecretF21E29CC: { Type: 'AWS::SecretsManager::Secret' },
      ApiF70053CD: { Type: 'AWS::ApiGatewayV2::Api' },
      Stage0E8C2AF5: { Type: 'AWS::ApiGatewayV2::Stage' },
      ApiAccessLogsE9DF007D: { Type: 'AWS::Logs::LogGroup' },
    });
  });
});

describe('cdk-nag AwsSolutionsChecks', () => {
  it.each([
    [{}],
    [{ webhookSecretArn: EXISTING_SECRET_ARN, alarmEmail: 'oncall@example.com', quietPeriodHours: 6 }],
  ])('finds nothing unacknowledged (context %p)', (context) => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
    new PosthogSignalsStack(app, 'NagStack', {
      config: stackConfigFrom((key) => app.node.tryGetContext(key)),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const messages: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      messages.push(String(chunk));
      return true;
    });
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      write.mockRestore();
    }
    expect(messages.join('')).not.toMatch(/ERROR|WARN/);
  });
});
