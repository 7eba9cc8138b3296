import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface WebhookSecretProps {
  /** Use this existing secret instead of generating one. @default a generated secret */
  readonly existingSecretArn?: string;
}

/**
 * The shared webhook secret in Secrets Manager: generated (48 letters and digits, which paste
 * cleanly into a header and are valid base64 for a Standard Webhooks `whsec_` key) and kept when
 * the stack is deleted, or an existing one named by ARN.
 */
export class WebhookSecret extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: WebhookSecretProps = {}) {
    super(scope, id);
    if (props.existingSecretArn) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Default', props.existingSecretArn);
      return;
    }
    // `Default`: the secret keeps the logical ID it had before this construct existed, so an
    // upgrade never replaces it (a replaced secret would be a new value PostHog does not know).
    const secret = new Secret(this, 'Default', {
      description:
        'Shared secret PostHog sends in X-PostHog-Secret (also valid as a Standard Webhooks whsec_ secret)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating this secret needs PostHog updated by hand; the runbook in docs/operations.md rotates it, and the function accepts the previous value during a grace period.',
    });
    this.secret = secret;
  }
}
