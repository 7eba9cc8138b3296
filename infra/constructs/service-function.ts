import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  type IGrantable,
  type IPrincipal,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { environmentFor, type FunctionSettings } from '../../lambda/settings.ts';
import { type FunctionName, functionCode, LAMBDA_HANDLER } from '../bundling.ts';

export interface ServiceFunctionProps {
  /** Which of the project's functions (its entry module, see infra/bundling.ts). */
  readonly name: FunctionName;
  /** What it does, for the console. */
  readonly description: string;
  /** Its settings (lambda/settings.ts), written as its environment; the stack's name is added. */
  readonly settings: Partial<FunctionSettings>;
  /** Retention of its log group. */
  readonly logRetention: RetentionDays;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** Concurrency reserved for (and capping) the function. @default none reserved */
  readonly reservedConcurrency?: number;
}

/**
 * One function of this project, set up the one way they all are: Node.js 24 on arm64, 512 MB,
 * bundled for a fast cold start (infra/bundling.ts), JSON logs in a log group of its own, active
 * X-Ray tracing (Lambda's own segments: no tracing code is loaded), its metrics under the stack's
 * name (`STACK_NAME`), and a role of its own that starts with nothing but writing those logs and
 * traces. `allow` adds each permission explicitly: no managed policies, and no wildcard but
 * X-Ray's, which has no resources to name.
 */
export class ServiceFunction extends Construct implements IGrantable {
  readonly function: LambdaFunction;
  readonly grantPrincipal: IPrincipal;
  protected readonly role: Role;
  /** Its log group. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.logGroup = logGroup;
    // A role of our own: the managed AWSLambdaBasicExecutionRole may create any log group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.grantPrincipal = this.role;

    this.function = new LambdaFunction(this, 'Function', {
      description: props.description,
      code: functionCode(props.name),
      handler: LAMBDA_HANDLER,
      // Named explicitly: a default runtime would change under us.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // 512 MB: Lambda scales CPU with memory, and module load + TLS handshakes dominate a cold
      // delivery that must finish inside PostHog's 3 s. Deliveries are rare, so cost is small.
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      logGroup,
      role: this.role,
      // The stack's name is a dimension of every metric, so two stacks never share alarms.
      environment: environmentFor({ ...props.settings, stackName: Stack.of(this).stackName }),
    });
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource ARN, so the policy Lambda needs names "*".',
    });
  }

  /** Lets the function do exactly these actions on exactly these resources. */
  allow(actions: string[], resources: string[]): void {
    this.role.addToPolicy(new PolicyStatement({ actions, resources }));
  }
}
