/**
 * `npm test` runs this first: it stops at once, saying what to install, when the machine lacks
 * what the tests need besides Node.js — Java 17+ (DynamoDB Local) and Chromium (the board's
 * browser tests).
 */
import { spawnSync } from 'node:child_process';
import { JAVA_REQUIRED } from '../local/dynamodb-local.ts';
import { CHROMIUM_REQUIRED, findChromium } from './chromium.ts';

const missing: string[] = [];

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
if (java.error) missing.push(`Java was not found. ${JAVA_REQUIRED}`);
else {
  // `version "17.0.9"`, or `version "1.8.0_392"` for Java 8.
  const [, first = '0', second = '0'] =
    /version "(\d+)(?:\.(\d+))?/.exec(`${java.stderr}${java.stdout}`) ?? [];
  const major = first === '1' ? Number(second) : Number(first);
  if (major < 17) missing.push(`The Java on the PATH is older than 17. ${JAVA_REQUIRED}`);
}
if (!findChromium()) missing.push(`Chromium was not found. ${CHROMIUM_REQUIRED}`);

if (missing.length > 0) {
  console.error(missing.join('\n\n'));
  process.exit(1);
}
