/**
 * The CLI's reader for a deployed stack's read and triage API (`--api <ApiBaseUrl>`): each request
 * signed with SigV4 (service `execute-api`) with the usual AWS credentials, as API Gateway's IAM
 * authorization requires. Answers are the API's `{"data"}`; an `{"error"}` throws with its status.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** A failed API request: its status and the API's own message. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A SHA-256 (or, keyed, HMAC-SHA256) over node:crypto, as SignatureV4 asks for one. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** Sends signed requests to one API. */
export class SignedApiClient {
  private readonly base: URL;
  private readonly signer: SignatureV4;
  /** Where it sends, for messages. */
  readonly where: string;

  constructor(baseUrl: string, env: NodeJS.ProcessEnv) {
    this.base = new URL(baseUrl);
    this.where = `the API at ${this.base.origin}`;
    // The region is in API Gateway's host name (…execute-api.<region>.amazonaws.com), else the environment's.
    const region =
      /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(this.base.hostname)?.[1] ??
      env.AWS_REGION ??
      env.AWS_DEFAULT_REGION ??
      'us-east-1';
    this.signer = new SignatureV4({
      service: 'execute-api',
      region,
      credentials: defaultProvider(),
      sha256: Sha256,
    });
  }

  /** GETs a path (with a query) and returns its `data`. */
  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.request<T>('GET', path, query) as Promise<T>;
  }

  /** Sends a JSON body and returns the answer's `data`; undefined for 204 (nothing to answer). */
  send<T>(method: 'PATCH' | 'POST', path: string, body: object): Promise<T | undefined> {
    return this.request<T>(method, path, {}, JSON.stringify(body));
  }

  private async request<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body?: string,
  ): Promise<T | undefined> {
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${path}`, this.base);
    const defined = Object.fromEntries(
      Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    for (const [name, value] of Object.entries(defined)) url.searchParams.set(name, value);
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: defined,
      headers: { host: url.host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const response = await fetch(url, {
      method,
      headers: signed.headers as Record<string, string>,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 204) return undefined;
    const text = await response.text();
    let answer: { data?: T; error?: string; message?: string } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // API Gateway's own answers can be other text; the status says enough.
    }
    if (!response.ok)
      throw new ApiRequestError(response.status, answer.error ?? answer.message ?? text.slice(0, 200));
    return answer.data as T;
  }
}
