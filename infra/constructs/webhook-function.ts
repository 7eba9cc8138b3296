import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING } from '../bundling.ts';

export interface WebhookFunctionProps {
  /** Table the function writes signals and issues to (its name goes to `TABLE_NAME`). */
  readonly table: ITable;
  /** Secret holding the webhook secret (its ARN goes to `POSTHOG_WEBHOOK_SECRET_ARN`). */
  readonly secret: ISecret;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** Dedup window for repeated deliveries, in minutes (`DEDUP_WINDOW_SECONDS`). */
  readonly dedupWindowMinutes: number;
  /** Grace period for the previous secret after a rotation, in hours (`SECRET_GRACE_HOURS`). */
  readonly secretGraceHours: number;
}

/**
 * The webhook function: Node.js 24 on arm64, bundled for a fast cold start, JSON logs, and an
 * execution role that can do exactly three things — write its own logs, read the one secret,
 * and put, update and read items in the one table (no deletes, no scans, no indexes).
 */
export class WebhookFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // A role of our own: the managed AWSLambdaBasicExecutionRole may create any log group.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    this.function = new NodejsFunction(this, 'Function', {
      entry: 'lambda/webhook-entry.ts',
      handler: 'handler',
      // Named explicitly: NODEJS_LATEST would change bundling defaults under us.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // 512 MB: Lambda scales CPU with memory, and module load + TLS handshakes dominate a cold
      // delivery that must finish inside PostHog's 3 s. Deliveries are rare, so cost is small.
      memorySize: 512,
      // Far above the measured p99 and the worst case of the fail-fast SDK settings (~5 s:
      // three calls × two 800 ms attempts), below API Gateway's 30 s integration limit.
      timeout: Duration.seconds(10),
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      logGroup,
      role,
      bundling: FUNCTION_BUNDLING,
      environment: {
        TABLE_NAME: props.table.tableName,
        POSTHOG_WEBHOOK_SECRET_ARN: props.secret.secretArn,
        DEDUP_WINDOW_SECONDS: String(props.dedupWindowMinutes * 60),
        SECRET_GRACE_HOURS: String(props.secretGraceHours),
      },
    });

    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    props.secret.grantRead(role);
    role.addToPolicy(
      new PolicyStatement({
        // TransactWriteItems is authorised per item as PutItem; the counter is an UpdateItem;
        // a repeated delivery reads its dedup record (GetItem) and its issue partition (Query).
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        resources: [props.table.tableArn],
      }),
    );
  }
}
