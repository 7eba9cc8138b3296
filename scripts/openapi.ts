/**
 * `npm run openapi`: writes docs/openapi.json, the OpenAPI document the service serves at
 * GET /api/openapi.json (lambda/contract/openapi.ts). A test fails while the committed copy is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiJson } from '../lambda/contract/openapi.ts';

const target = join(import.meta.dirname, '..', 'docs', 'openapi.json');
writeFileSync(target, openApiJson());
console.log(`Wrote ${target}`);
