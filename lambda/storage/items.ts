import type { Change } from '../core/issue-changes.ts';
import type { Issue, Signal } from '../core/loop-records.ts';
import type { RawDelivery } from '../intake/ports.ts';
import { decodePayload, encodePayload, type StoredPayload } from './payload-encoding.ts';
import { issueKeys, KEY_ATTRIBUTES, signalKeys } from './table-design.ts';

/** A raw table item as the document client reads it. */
export type Item = Record<string, unknown>;

/**
 * An alert's record: which issue its firings currently go to, and a copy of that issue as this
 * service last wrote it (so that joining it needs no read of the issue; a status or priority
 * changed since by someone else makes the write's condition fail and hand back the real one).
 */
export interface AlertRecord {
  /** Bumped by every write: the condition that keeps concurrent firings from opening two issues. */
  readonly version: number;
  /** Arrival (epoch seconds) of the episode's earliest and latest firing or error. */
  readonly openedAt: number;
  readonly lastActiveAt: number;
  readonly issue: Issue;
  /** The issue's `signalPayload` as stored. */
  readonly issuePayload: StoredPayload;
}

/** The table item for a signal: Loop's fields, `entity`, its keys, and the change it makes (if any). */
export function signalItem(signal: Signal, payload: StoredPayload, change?: Change): Item {
  return {
    ...signalKeys(signal),
    entity: 'signal',
    ...signal,
    ...(change ? { change } : {}),
    payload,
    // What the source read is outside text too (a value as printed can be any number).
    reading: encodePayload(signal.reading, JSON.stringify(signal.reading)),
  };
}

/** The table item for an issue: Loop's fields, `entity`, its keys, and the change this write makes. */
export function issueItem(issue: Issue, payload: StoredPayload, change: Change | undefined): Item {
  return {
    ...issueKeys(issue),
    entity: 'issue',
    ...issue,
    ...(change ? { change } : {}),
    signalPayload: payload,
  };
}

/** Reads a signal item back in Loop's shape (payload decoded, storage attributes dropped). */
export function signalFromItem(item: Item): Signal {
  const { payload, reading, ...rest } = withoutStorageAttributes(item);
  return {
    // Signals stored before alerts had a lifecycle were all firings, read as nothing more.
    kind: 'firing',
    ...rest,
    reading: reading === undefined ? {} : decodePayload(reading as StoredPayload),
    payload: decodePayload(payload as StoredPayload),
  } as Signal;
}

/** Reads an issue item back in Loop's shape (payload decoded, storage attributes dropped). */
export function issueFromItem(item: Item): Issue {
  return storedIssueFromItem(item).issue;
}

/** An issue item as Loop's issue and its `signalPayload` as stored. */
export function storedIssueFromItem(item: Item): { issue: Issue; payload: StoredPayload } {
  const { signalPayload, ...rest } = withoutStorageAttributes(item);
  const payload = signalPayload as StoredPayload;
  return {
    // Issues stored before alerts had a lifecycle held one firing's signal and no history.
    issue: {
      firings: 1,
      lastFiredAt: null,
      resolvedAt: null,
      ...rest,
      signalPayload: decodePayload(payload),
    } as Issue,
    payload,
  };
}

/** An alert record's item read back. */
export function alertRecordFromItem(item: Item): AlertRecord {
  const { issue, payload } = storedIssueFromItem(item.issue as Item);
  return {
    version: Number(item.version),
    openedAt: Number(item.openedAt),
    lastActiveAt: Number(item.lastActiveAt),
    issue,
    issuePayload: payload,
  };
}

function withoutStorageAttributes(item: Item): Item {
  const loopFields: Item = { ...item };
  for (const attribute of [...KEY_ATTRIBUTES, 'entity', 'change']) delete loopFields[attribute];
  return loopFields;
}

/**
 * A kept unreadable delivery's item (write-plan.ts `unreadablePut`) back as the delivery it was,
 * or what about it is wrong: it is read from a table, so nothing in it is taken on trust.
 */
export function keptDeliveryFromItem(kept: Item): RawDelivery | string {
  if (!(kept.body instanceof Uint8Array)) return 'its body is not bytes';
  const headers = kept.keyHeaders ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((value) => typeof value !== 'string')
  ) {
    return 'its keyHeaders are not text';
  }
  const receivedAt = new Date(String(kept.createdAt));
  if (Number.isNaN(receivedAt.getTime())) return 'its createdAt is not a time';
  return {
    body: Buffer.from(kept.body),
    keyHeaders: headers as RawDelivery['keyHeaders'],
    receivedAt,
    requestId: typeof kept.requestId === 'string' ? kept.requestId : undefined,
  };
}
