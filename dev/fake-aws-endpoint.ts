import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** How the fake answers one request. */
export type Reply =
  | { readonly status: number; readonly body: object; readonly delayMs?: number }
  /** Any other body (the XML of the query protocol, say), as text with its content type. */
  | { readonly status: number; readonly text: string; readonly contentType: string }
  /** Never answer (the client's timeout must fire). */
  | { readonly hang: true }
  /** Drop the connection without a response. */
  | { readonly reset: true }
  /** Send the status and headers (and the first bytes of the body), then nothing more. */
  | { readonly stallAfterHeaders: true };

export interface ReceivedCall {
  /** The `X-Amz-Target` header, e.g. `secretsmanager.GetSecretValue`. */
  readonly target: string;
  /** The JSON body (JSON protocols); empty for any other body. */
  readonly body: Record<string, unknown>;
  readonly method: string;
  /** The path and query (REST protocols name the operation and resource there). */
  readonly path: string;
  /** The body as sent (the query protocol's form fields). */
  readonly text: string;
}

/**
 * A stand-in for an AWS service on 127.0.0.1 — JSON-protocol ones (Secrets Manager, SQS, DynamoDB)
 * most conveniently, others (CloudFormation's query protocol, Lambda's REST) with text replies —
 * so the real SDK clients are exercised through their HTTP layer, failures included.
 */
export class FakeAwsEndpoint {
  readonly calls: ReceivedCall[] = [];
  /** When each call arrived (Date.now()), in the order of `calls`. */
  readonly callTimes: number[] = [];
  reply: (call: ReceivedCall) => Reply = () => ({ status: 500, body: { __type: 'InternalFailure' } });
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly scheme: 'http' | 'https',
  ) {}

  /** Starts on a free port; over TLS with this key and certificate (see dev/local-tls.ts). */
  static async start(options: { tls?: { key: string; cert: string } } = {}): Promise<FakeAwsEndpoint> {
    const server = options.tls ? createTlsServer(options.tls) : createServer();
    const fake = new FakeAwsEndpoint(server, options.tls ? 'https' : 'http');
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      fake.sockets.add(socket);
      socket.once('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = String(request.headers['content-type'] ?? '').includes('json') && text !== '';
        const call = {
          target: String(request.headers['x-amz-target'] ?? ''),
          body: json ? JSON.parse(text) : {},
          method: request.method ?? '',
          path: request.url ?? '',
          text,
        };
        fake.calls.push(call);
        fake.callTimes.push(Date.now());
        fake.answer(fake.reply(call), response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(reply: Reply, response: ServerResponse): void {
    if ('hang' in reply) return;
    if ('reset' in reply) {
      response.socket?.destroy();
      return;
    }
    if ('stallAfterHeaders' in reply) {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '1000' });
      response.write('{"');
      return;
    }
    const body = 'text' in reply ? reply.text : JSON.stringify(reply.body);
    const send = () => {
      response.writeHead(reply.status, {
        'content-type': 'text' in reply ? reply.contentType : 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    };
    if ('delayMs' in reply && reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  }
}

/** A successful GetSecretValue answer; the version was created long ago unless told otherwise. */
export function secretValueReply(secret: string, createdDate = new Date('2020-01-01T00:00:00Z')): Reply {
  return {
    status: 200,
    body: {
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf',
      Name: 'posthog-webhook',
      VersionId: 'v1',
      SecretString: secret,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: createdDate.getTime() / 1000,
    },
  };
}

/** SQS's answer to SendMessage (the SDK checks the MD5 of the body it sent). */
export function sendMessageReply(call: ReceivedCall, messageId = randomUUID()): Reply {
  const md5 = createHash('md5').update(String(call.body.MessageBody), 'utf8').digest('hex');
  return { status: 200, body: { MessageId: messageId, MD5OfMessageBody: md5 } };
}

/** An AWS error answer, as the JSON protocols send them. */
export function awsErrorReply(status: number, type: string, message = 'fake failure'): Reply {
  return { status, body: { __type: type, message } };
}

/** Settings that point an SDK client at a fake endpoint with dummy credentials. */
export function fakeClientConfig(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } };
}
