/**
 * A webhook as `npm run bench` measures its warm latency and throughput: a bundle's handler
 * file (argv[2]: the shipped index.mjs, or the typical implementation's) served by the local
 * HTTP API server, in a process of its own on the Node.js that Lambda runs. Configured by the
 * environment, as Lambda configures it. Its log lines go to stdout as on Lambda; its port goes
 * to stderr when it is ready.
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { HttpHandler } from '../lambda/http/http-handler.ts';
import { createHttpApiServer, routesServedBy } from '../local/http-server.ts';

const [handlerFile] = process.argv.slice(2);
if (!handlerFile) throw new Error('Usage: bench-server.ts <bundle>/index.mjs');
const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: HttpHandler };
const server = createHttpApiServer(routesServedBy('webhook', handler), { concurrency: 8 });
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
