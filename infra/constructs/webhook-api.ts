import { type CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES } from '../../lambda/http/api-routes.ts';
import { WEBHOOK_ROUTE, WEBHOOK_TOKEN_ROUTE } from '../../lambda/http/routes.ts';

export interface WebhookApiProps {
  /** The function behind the webhook routes. */
  readonly function: IFunction;
  /** The function behind the read and triage API's routes (IAM-authorized). */
  readonly readApi: IFunction;
  /** API stage; `$default` serves at the root of the API URL. */
  readonly stageName: string;
  /** Steady requests per second before API Gateway answers 429. */
  readonly throttleRateLimit: number;
  /** Burst size (at least the rate limit: infra/config.ts checks it). */
  readonly throttleBurstLimit: number;
  /** Retention of the access log group. */
  readonly logRetention: RetentionDays;
  /**
   * A domain of the operator's for the stage (its certificate in ACM, in the stack's region): the
   * URLs PostHog holds then outlive the API. @default the API's own execute-api URL
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/**
 * The HTTP API: `POST /api/signals/posthog` and its token route `POST /api/signals/posthog/{token}`
 * (Lambda proxy, payload format 2.0) on one throttled stage with JSON access logs that name the
 * route, never the path (it holds the token). An HTTP API is cheaper and faster than a REST API,
 * and all a webhook needs.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  /** The full URL to paste into PostHog. */
  readonly webhookUrl: string;
  /** The stage's base URL (`…/api/issues` and `…/api/signals` below it); the custom domain's when there is one. */
  readonly baseUrl: string;
  /** With a custom domain: the name its DNS record points at. */
  readonly domainTarget: string | undefined;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    // `Default`: the API keeps the logical ID it had before this construct existed (see stableLogicalId).
    this.api = new HttpApi(this, 'Default', {
      apiName: `${Stack.of(this).stackName}-posthog-webhooks`,
      createDefaultStage: false,
      description: 'PostHog webhooks for Loop',
    });
    // The webhook routes check their own secret: PostHog cannot sign with IAM.
    const integration = new HttpLambdaIntegration('Webhook', props.function);
    for (const route of [WEBHOOK_ROUTE, WEBHOOK_TOKEN_ROUTE]) {
      this.api.addRoutes({ path: route.path, methods: [HttpMethod.POST], integration });
    }
    // The read and triage API: only callers with IAM permission to invoke it (SigV4).
    const readIntegration = new HttpLambdaIntegration('ReadApi', props.readApi);
    const authorizer = new HttpIamAuthorizer();
    for (const route of Object.values(API_ROUTES)) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: readIntegration,
        authorizer,
      });
    }
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    keepLogicalId(accessLogs, 'ApiAccessLogsE9DF007D');
    const stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat() },
    });
    keepLogicalId(stage, 'Stage0E8C2AF5');
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'PostHog webhooks cannot send IAM, JWT or Lambda-authorizer credentials; the function authenticates every delivery with the shared secret (X-PostHog-Secret or Standard Webhooks signature) before reading the body.',
    });
    this.baseUrl = stage.url.replace(/\/$/, '');
    this.domainTarget = undefined;
    if (props.customDomain) {
      const { domainName, certificateArn } = props.customDomain;
      const domain = new DomainName(this, 'Domain', {
        domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
      });
      // The stage at the domain's root, whatever its name.
      new ApiMapping(this, 'Mapping', { api: this.api, domainName: domain, stage });
      this.baseUrl = `https://${domainName}`;
      this.domainTarget = domain.regionalDomainName;
    }
    this.webhookUrl = `${this.baseUrl}${WEBHOOK_ROUTE.path}`;
  }
}

/**
 * Stacks deployed before the API had a construct of its own created these resources under these
 * logical IDs. Keeping them makes an upgrade an update in place: a new ID would replace the stage
 * (CloudFormation cannot create a second `$default` stage first, so the update would fail). Not a
 * shim to remove later: these are simply the resources' names, for as long as such a stack exists.
 */
function keepLogicalId(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}

function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      method: '$context.httpMethod',
      // The route (`POST /api/signals/posthog/{token}`), never `$context.path`: the token is a secret.
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationStatus: '$context.integrationStatus',
      integrationError: '$context.integrationErrorMessage',
      userAgent: '$context.identity.userAgent',
    }),
  );
}
