import type { Change } from '../core/issue-changes.ts';
import type { JsonObject } from '../core/json.ts';
import type { Comment, Issue, Signal, SignalReading } from '../core/loop-records.ts';
import type { RawDelivery } from '../intake/ports.ts';
import { packText, unpackText } from './packed-text.ts';
import { decodePayload, encodePayload, payloadJson, type StoredPayload } from './payload-encoding.ts';
import { commentKeys, issueKeys, KEY_ATTRIBUTES, keys, signalKeys } from './table-design.ts';

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
  /** The issue's `signalPayload` as the JSON text it arrived as. */
  readonly issuePayloadText: string;
}

/** A record read back, with its payload's JSON text (as it arrived, where that was kept). */
export interface Stored<Record> {
  readonly record: Record;
  readonly payloadText: string;
}

/**
 * The table item for a signal: Loop's fields, `entity`, its keys, the change it makes (if any),
 * and its payload twice — as DynamoDB can hold it (payload-encoding.ts; `asText` forces the text
 * form) and as the text it arrived as (gzipped: packed-text.ts), which keeps the sender's key order.
 */
export function signalItem(signal: Signal, payloadText: string, change?: Change, asText = false): Item {
  return {
    ...signalKeys(signal),
    entity: 'signal',
    ...signal,
    ...(change ? { change } : {}),
    payload: asText ? payloadText : encodePayload(signal.payload, payloadText),
    [PAYLOAD_TEXT]: packText(payloadText),
    // What the source read is outside text too (a value as printed can be any number).
    reading: encodeJson(signal.reading),
  };
}

/** The table item for an issue: Loop's fields, `entity`, its keys, and the change this write makes. */
export function issueItem(
  issue: Issue,
  payloadText: string,
  change: Change | undefined,
  asText = false,
): Item {
  return {
    ...issueKeys(issue),
    entity: 'issue',
    ...issueAttributes(issue, payloadText, asText),
    ...(change ? { change } : {}),
  };
}

/** An issue's own attributes (no keys): the issue item's, and the copy an alert's record keeps. */
function issueAttributes(issue: Issue, payloadText: string, asText = false): Item {
  return {
    ...issue,
    signalPayload: asText ? payloadText : encodePayload(issue.signalPayload, payloadText),
    [PAYLOAD_TEXT]: packText(payloadText),
    lastReading: encodeJson(issue.lastReading),
  };
}

/** Reads a signal item back in Loop's shape (payload decoded, storage attributes dropped). */
export function signalFromItem(item: Item): Stored<Signal> {
  const { payload, reading, [PAYLOAD_TEXT]: packed, ...rest } = withoutStorageAttributes(item);
  const stored = payload as StoredPayload;
  return {
    record: {
      // Signals stored before alerts had a lifecycle were all firings; those stored before
      // signals had a title of their own have an empty one.
      kind: 'firing',
      title: '',
      ...rest,
      reading: reading === undefined ? {} : decodePayload(reading as StoredPayload),
      payload: decodePayload(stored),
    } as Signal,
    payloadText: unpackText(packed) ?? payloadJson(stored),
  };
}

/** Reads an issue item back in Loop's shape (payload decoded, storage attributes dropped). */
/**
 * What an issue stored before these fields existed reads as (its description aside): before alerts
 * had a lifecycle it held one firing's signal and no history, and before agents worked from it no
 * links or claim.
 */
export function fieldsOfEarlierIssues() {
  return {
    firings: 1,
    firstFiredAt: null,
    lastFiredAt: null,
    resolvedAt: null,
    links: {},
    claimedBy: null,
    claimedAt: null,
  };
}

export function issueFromItem(item: Item): Stored<Issue> {
  const { signalPayload, lastReading, [PAYLOAD_TEXT]: packed, ...rest } = withoutStorageAttributes(item);
  const stored = signalPayload as StoredPayload;
  return {
    record: {
      ...fieldsOfEarlierIssues(),
      description: '',
      ...rest,
      lastReading: lastReading === undefined ? {} : decodePayload(lastReading as StoredPayload),
      signalPayload: decodePayload(stored),
    } as Issue,
    payloadText: unpackText(packed) ?? payloadJson(stored),
  };
}

/** An alert record's item: its state and its copy of the open issue. */
export function alertItem(digest: string, reading: SignalReading, record: AlertRecord): Item {
  const { issuePayloadText, issue, ...state } = record;
  return {
    ...keys.alert(digest),
    entity: 'alert',
    source: reading.source,
    alertKey: reading.alertKey,
    ...state,
    issue: issueAttributes(issue, issuePayloadText),
  };
}

/** An alert record's item read back. */
export function alertRecordFromItem(item: Item): AlertRecord {
  const { record, payloadText } = issueFromItem(item.issue as Item);
  return {
    version: Number(item.version),
    openedAt: Number(item.openedAt),
    lastActiveAt: Number(item.lastActiveAt),
    issue: record,
    issuePayloadText: payloadText,
  };
}

/** A comment's table item: in its issue's partition, sorted before the issue's own item (COMMENT# < ISSUE), oldest first. */
export function commentItem(comment: Comment, change: Change | undefined): Item {
  return {
    ...commentKeys(comment),
    entity: 'comment',
    ...comment,
    ...(change ? { change } : {}),
  };
}

/** A comment item read back. */
export function commentFromItem(item: Item): Comment {
  const { id, issueId, body, author, createdAt } = withoutStorageAttributes(item) as unknown as Comment;
  return { id, issueId, body, author: { name: author.name, type: author.type }, createdAt };
}

/** Where a payload's text as it arrived is kept (gzip: it compresses well, and is read whole). */
const PAYLOAD_TEXT = 'payloadText';

function withoutStorageAttributes(item: Item): Item {
  const loopFields: Item = { ...item };
  for (const attribute of [...KEY_ATTRIBUTES, 'entity', 'change']) delete loopFields[attribute];
  return loopFields;
}

/** A JSON value as DynamoDB can hold it (the map, or else its text). */
function encodeJson(value: JsonObject): StoredPayload {
  return encodePayload(value, JSON.stringify(value));
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
