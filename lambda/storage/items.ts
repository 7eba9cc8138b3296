import type { Issue, Signal } from '../core/loop-records.ts';
import { decodePayload, type StoredPayload } from './payload-encoding.ts';
import { issueKeys, KEY_ATTRIBUTES, signalKeys } from './table-design.ts';

/** A raw table item as the document client reads it. */
export type Item = Record<string, unknown>;

/** The table item for a signal: Loop's fields, `entity`, and its keys. */
export function signalItem(signal: Signal, payload: StoredPayload): Item {
  return {
    ...signalKeys(signal),
    entity: 'signal',
    ...signal,
    payload,
  };
}

/** The table item for an issue: Loop's fields, `entity`, and its keys. */
export function issueItem(issue: Issue, payload: StoredPayload): Item {
  return {
    ...issueKeys(issue),
    entity: 'issue',
    ...issue,
    signalPayload: payload,
  };
}

/** Reads a signal item back in Loop's shape (payload decoded, storage attributes dropped). */
export function signalFromItem(item: Item): Signal {
  const { payload, ...rest } = withoutStorageAttributes(item);
  return { ...rest, payload: decodePayload(payload as StoredPayload) } as Signal;
}

/** Reads an issue item back in Loop's shape (payload decoded, storage attributes dropped). */
export function issueFromItem(item: Item): Issue {
  const { signalPayload, ...rest } = withoutStorageAttributes(item);
  return { ...rest, signalPayload: decodePayload(signalPayload as StoredPayload) } as Issue;
}

function withoutStorageAttributes(item: Item): Item {
  const loopFields: Item = { ...item };
  for (const attribute of [...KEY_ATTRIBUTES, 'entity']) delete loopFields[attribute];
  return loopFields;
}
