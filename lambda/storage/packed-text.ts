/**
 * Text kept whole and read whole (a payload as it arrived, the first answer to a delivery), gzipped:
 * JSON compresses several times over, and every byte an item holds is billed. Node's own zlib:
 * a payload of a few KB packs in well under a millisecond.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** The text, gzipped, as the binary attribute DynamoDB keeps. */
export function packText(text: string): Uint8Array {
  return gzipSync(Buffer.from(text, 'utf8'));
}

/** The text back from its packed form; undefined when there is none (an item from before it was kept). */
export function unpackText(packed: unknown): string | undefined {
  if (!(packed instanceof Uint8Array)) return undefined;
  return gunzipSync(packed).toString('utf8');
}
