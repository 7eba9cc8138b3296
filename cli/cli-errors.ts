/**
 * How the CLI says what went wrong: one line that names the fix, and an exit code as tools people
 * know use them — 1 for a failure (nothing found, a conflict, AWS unreachable or refusing), 2 for
 * a command used wrongly (the usage follows).
 */
import { neverAnswered } from '../lambda/aws/errors.ts';
import { answerFor } from '../lambda/http/http-errors.ts';
import { ApiRequestError } from './signed-api-client.ts';

/** A command used wrongly: exit 2, with its usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A failure whose message is already written for the person at the terminal: exit 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where a failing call went, for the message. */
export interface Target {
  /** `table loop-signals at http://127.0.0.1:8000`, `the API at https://…`. */
  readonly where: string;
  /** The local service's own table: the fix is to start it. */
  readonly local: boolean;
}

/**
 * One line for a failure: the service's own refusal (its status and message), or what to do
 * about AWS — credentials, a region, an endpoint that does not answer, a table that is not there.
 */
export function explain(error: unknown, target: Target): string {
  const { name = 'Error', message = String(error) } = (error ?? {}) as { name?: string; message?: string };
  if (error instanceof CliFailure) return error.message;
  if (error instanceof ApiRequestError) {
    return error.status === 403
      ? `${target.where} refused your AWS identity (403): it needs execute-api:Invoke on the API's routes. ${message}`
      : `${target.where} answered ${error.status}: ${message}`;
  }
  const { statusCode, message: refusal } = answerFor(error);
  if (statusCode < 500) return `${statusCode}: ${refusal}`;
  if (name === 'CredentialsProviderError' || /credentials/i.test(message)) {
    return 'No AWS credentials: set AWS_PROFILE (a profile in ~/.aws/config, after `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.';
  }
  if (/region is missing/i.test(message)) {
    return 'No AWS region: set AWS_REGION (e.g. export AWS_REGION=eu-west-1), or a region in your AWS profile, then try again.';
  }
  if (name === 'ResourceNotFoundException') {
    return `Not found at ${target.where}.${target.local ? ' Is `npm start` running, with the same TABLE_NAME?' : " Check the table name (the stack's TableName output) and AWS_REGION."}`;
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return `AWS refused your identity at ${target.where} (${name}): check AWS_PROFILE and that it may read the stack's table.`;
  }
  if (neverAnswered(error) || name === 'TypeError') {
    return `Cannot reach ${target.where}.${target.local ? ' Start the service with `npm start` (it honours PORT and DYNAMODB_PORT), or pass --table or --stack for a deployed one.' : ' Check the address and your network.'}`;
  }
  return `${target.where} failed: ${name}: ${message}`;
}
