// Loads a function the way the Lambda Node.js runtime loads its handler file — import() for an ES
// module (index.mjs), require() for CommonJS (index.js) — in a fresh process, then invokes its
// handler with each event in argv[3] (a JSON array) in turn, and prints, as its last line, how
// long loading took (init: an ES module's top-level await included), when it was done, what each
// invocation returned and how long each took.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [handlerFile, eventsJson] = process.argv.slice(2);
const started = performance.now();
const module = handlerFile.endsWith('.mjs')
  ? await import(pathToFileURL(handlerFile).href)
  : createRequire(import.meta.url)(handlerFile);
const loadedMs = performance.now() - started;
const loadedAt = Date.now();
const context = {
  awsRequestId: 'bundle-test',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bundle-test',
  getRemainingTimeInMillis: () => 10_000,
};
const results = [];
const durationsMs = [];
for (const event of JSON.parse(eventsJson)) {
  const invoked = performance.now();
  results.push(await module.handler(event, context));
  durationsMs.push(Math.round(performance.now() - invoked));
}
// Last line: the function's own log and metric lines come before it.
process.stdout.write(`\n${JSON.stringify({ loadedMs, loadedAt, results, durationsMs })}\n`);
