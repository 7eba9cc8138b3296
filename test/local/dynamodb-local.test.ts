import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../dev/free-port.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { PROJECT_ROOT } from '../support/fixtures.ts';

describe('starting DynamoDB Local', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'java-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('says what to install when there is no Java', async () => {
    const started = startDynamoDbLocal({ port: await freePort(), java: join(scratch, 'no-such-java') });
    await expect(started).rejects.toThrow(
      /^Java was not found\. .*needs Java 17 or newer.*openjdk-17-jre-headless/,
    );
  });

  it('says so when the Java on the PATH is older than 17', async () => {
    // What Java 11 prints for a jar built for 17.
    mkdirSync(join(scratch, 'old'));
    const oldJava = join(scratch, 'old', 'java');
    writeFileSync(
      oldJava,
      '#!/bin/sh\necho "Error: LinkageError occurred while loading main class com.amazonaws.services.dynamodbv2.local.main.ServerRunner" >&2\necho "java.lang.UnsupportedClassVersionError: compiled by a more recent version of the Java Runtime (class file version 61.0)" >&2\nexit 1\n',
    );
    chmodSync(oldJava, 0o755);
    const started = startDynamoDbLocal({ port: await freePort(), java: oldJava });
    await expect(started).rejects.toThrow(/^The Java on the PATH is older than 17\. .*Java 17 or newer/);
  });

  it('makes npm start exit non-zero with that message when Java is missing', async () => {
    const [port, dynamoDbPort] = [String(await freePort()), String(await freePort())];
    const root = PROJECT_ROOT;
    const result = spawnSync(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'local/start.ts')],
      {
        cwd: scratch,
        env: {
          PATH: scratch,
          HOME: scratch,
          POSTHOG_WEBHOOK_SECRET: 'x',
          PORT: port,
          DYNAMODB_PORT: dynamoDbPort,
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Java was not found\. .*Java 17 or newer/);
  });
});
