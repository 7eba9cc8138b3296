import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { FAST_FAIL_CLIENT_CONFIG } from '../aws-errors.ts';

/** A Secrets Manager client that fails fast (endpoint from `AWS_ENDPOINT_URL_SECRETS_MANAGER` when set). */
export function createSecretsManagerClient(config: SecretsManagerClientConfig = {}): SecretsManagerClient {
  return new SecretsManagerClient({ ...FAST_FAIL_CLIENT_CONFIG, ...config });
}
