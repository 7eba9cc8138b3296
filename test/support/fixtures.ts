import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonObject } from '../../lambda/core/json.ts';

/** The repository's root, for tests that run its commands or read its files. */
export const PROJECT_ROOT = resolve(__dirname, '../..');

/** A body PostHog sends, as built from its source (test/fixtures/posthog/<name>.json), with its headers. */
export interface PosthogFixture {
  readonly body: JsonObject;
  readonly headers: Record<string, string>;
  readonly source: unknown;
}

/** One of the fixtures under test/fixtures/posthog/. */
export function posthogFixture(name: string): PosthogFixture {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/posthog', `${name}.json`), 'utf8'));
}
