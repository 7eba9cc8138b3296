// Loads a shipped function the way the Lambda Node.js runtime loads index.mjs (import()), in a
// fresh process, then invokes its handler with each event in argv[3] (a JSON array) in turn, and
// prints, as its last line, when it was loaded, what each invocation returned and how long each took.
import { pathToFileURL } from 'node:url';

const [handlerFile, eventsJson] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(handlerFile).href);
const loadedMs = performance.now() - started;
const loadedAt = Date.now();
const context = { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10_000 };
const results = [];
const durationsMs = [];
for (const event of JSON.parse(eventsJson)) {
  const invoked = performance.now();
  results.push(await module.handler(event, context));
  durationsMs.push(Math.round(performance.now() - invoked));
}
// Last line: the function's own log and metric lines come before it.
process.stdout.write(`\n${JSON.stringify({ loadedMs, loadedAt, results, durationsMs })}\n`);
