import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
import { ROUTES, type RouteFunction } from '../../lambda/contract/routes.ts';
import { keepLogicalId } from './logical-ids.ts';

export interface ServiceHttpApiProps {
  /** The function behind each function's routes (lambda/contract/routes.ts). */
  readonly functions: Readonly<Record<RouteFunction, IFunction>>;
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
 * The HTTP API: every route of the route table (lambda/contract/routes.ts) to its function
 * (Lambda proxy, payload format 2.0) — the webhook's routes open (the function checks its own
 * secret), the triage API's behind IAM — on one throttled stage with JSON access logs that name
 * the route, never the path (the token route's path holds a secret). An HTTP API is cheaper and
 * faster than a REST API, and all this service needs.
 */
export class ServiceHttpApi extends Construct {
  readonly api: HttpApi;
  /** The full URL to paste into PostHog. */
  readonly webhookUrl: string;
  /** The stage's base URL (`…/api/issues` and `…/api/signals` below it); the custom domain's when there is one. */
  readonly baseUrl: string;
  /** With a custom domain: the name its DNS record points at. */
  readonly domainTarget: string | undefined;

  constructor(scope: Construct, id: string, props: ServiceHttpApiProps) {
    super(scope, id);
    // `Default`: the API keeps the logical ID it had before this construct existed (its URL is in PostHog).
    this.api = new HttpApi(this, 'Default', {
      apiName: `${Stack.of(this).stackName}-posthog-webhooks`,
      createDefaultStage: false,
      description: 'PostHog webhooks for Loop',
    });
    const integrations = {
      webhook: new HttpLambdaIntegration('Webhook', props.functions.webhook),
      'triage-api': new HttpLambdaIntegration('TriageApi', props.functions['triage-api']),
    } satisfies Record<RouteFunction, HttpLambdaIntegration>;
    const authorizer = new HttpIamAuthorizer();
    for (const route of Object.values(ROUTES)) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.function],
        // The webhook's routes check their own secret: PostHog cannot sign with IAM.
        ...(route.auth === 'iam' ? { authorizer } : {}),
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
    this.webhookUrl = `${this.baseUrl}${ROUTES.webhook.path}`;
  }
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
