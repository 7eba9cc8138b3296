import type { KeyHeaders } from '../../lambda/core/delivery-key.ts';
import type { SignalDraft } from '../../lambda/core/loop-records.ts';
import { draftsOf } from '../../lambda/intake/intake.ts';
import { readPosthogDelivery } from '../../lambda/sources/posthog/posthog-delivery.ts';

/** The (first) draft the intake makes of a body (text, or an object to JSON-encode). */
export function draftFor(
  body: string | object,
  { keyHeaders = {}, receivedAt = new Date() }: { keyHeaders?: KeyHeaders; receivedAt?: Date } = {},
): SignalDraft {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const [draft] = draftsOf(
    { body: Buffer.from(text), keyHeaders, receivedAt, requestId: undefined },
    readPosthogDelivery,
  );
  return draft;
}
