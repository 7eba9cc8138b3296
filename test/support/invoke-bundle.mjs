// Loads a bundled handler the way the Lambda Node.js runtime does (ESM, via import()) in a fresh
// process, invokes it with the event in argv[3], and prints the result as JSON.
import { pathToFileURL } from 'node:url';

const [bundleFile, eventJson] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(bundleFile).href);
const loadedMs = performance.now() - started;
const context = { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10_000 };
const result = await module.handler(JSON.parse(eventJson), context);
// Last line: the handler's own log and metric lines come before it.
process.stdout.write(`\n${JSON.stringify({ loadedMs, result })}\n`);
