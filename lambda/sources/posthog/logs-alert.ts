/**
 * PostHog's logs alerts, as its managed webhook destination sends them (path A: a fixed envelope,
 * header `X-PostHog-Webhook-Version: 1`, no header of ours). Built by
 * products/logs/backend/alert_destinations.py: `{"id", "type", "timestamp", "data"}`, `type`
 * one of `logs_alert.firing`, `.resolved`, `.errored`, `.auto_disabled`; `data` holds
 * `alert_id`, `alert_name`, `result_count`, `threshold_count`, `threshold_operator` (above|below),
 * `window_minutes`, `service_names`, `severity_levels`, `logs_url`, `alert_url`, and for errors
 * `consecutive_failures` with `error_message` / `last_error_message`.
 */

import { InvalidPayloadError } from '../../core/errors.ts';
import { isJsonObject, type JsonObject, ownField } from '../../core/json.ts';
import type { SignalKind, SignalReading } from '../../core/loop-records.ts';
import { severityOf } from '../../core/severity.ts';
import {
  checkedName,
  details,
  distancePastThreshold,
  finiteNumber,
  firstText,
  linkCandidates,
} from './fields.ts';
import { alertErrorTitle, logsAlertTitle } from './title.ts';

const TYPE_PREFIX = 'logs_alert.';

/** Each envelope type and what it says of the alert. */
const KINDS: Readonly<Record<string, SignalKind>> = {
  firing: 'firing',
  resolved: 'resolved',
  errored: 'errored',
  auto_disabled: 'errored',
};

/** True for a logs alert envelope: a `logs_alert.*` type and a `data` object. */
export function isLogsAlertEnvelope(payload: JsonObject): boolean {
  const type = ownField(payload, 'type');
  return typeof type === 'string' && type.startsWith(TYPE_PREFIX) && isJsonObject(ownField(payload, 'data'));
}

/** Reads a logs alert envelope; throws InvalidPayloadError for an unknown type or a field that does not read. */
export function readLogsAlert(payload: JsonObject): SignalReading {
  const type = String(ownField(payload, 'type')).slice(TYPE_PREFIX.length);
  const kind = Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
  if (!kind) {
    throw new InvalidPayloadError(
      `Field type: unknown PostHog logs alert type "${type.slice(0, 64)}" (known: ${Object.keys(KINDS)
        .map((known) => TYPE_PREFIX + known)
        .join(', ')})`,
    );
  }
  const data = ownField(payload, 'data') as JsonObject;
  const alertId = firstText(ownField(data, 'alert_id')) ?? null;
  const name = checkedName(
    firstText(ownField(data, 'alert_name')) ?? alertId ?? 'logs alert',
    'data.alert_name',
  );
  const base = {
    source: 'posthog',
    type: 'logs_alert',
    kind,
    sourceId: alertId,
    alertKey: alertId,
    subject: name,
    links: linkCandidates({ alert: ownField(data, 'alert_url'), logs: ownField(data, 'logs_url') }),
  };
  // What every reading of the envelope records of the alert and the event.
  const identity = {
    alertId: alertId ?? undefined,
    name,
    alertName: name,
    kind,
    event: type,
    eventId: firstText(ownField(payload, 'id')),
  };

  if (kind === 'errored') {
    const turnedOff = type === 'auto_disabled';
    const reason = firstText(ownField(data, turnedOff ? 'last_error_message' : 'error_message'));
    const failures = ownField(data, 'consecutive_failures');
    return {
      ...base,
      severity: 'low',
      title: alertErrorTitle(name, turnedOff, reason),
      details: details({
        ...identity,
        error: reason,
        consecutiveFailures: typeof failures === 'number' ? failures : undefined,
      }),
    };
  }

  const count = finiteNumber(ownField(data, 'result_count'), 'data.result_count');
  const threshold = finiteNumber(ownField(data, 'threshold_count'), 'data.threshold_count');
  const operator = ownField(data, 'threshold_operator');
  if (operator !== 'above' && operator !== 'below') {
    throw new InvalidPayloadError('Field data.threshold_operator must be "above" or "below"');
  }
  const windowMinutes = finiteNumber(ownField(data, 'window_minutes'), 'data.window_minutes');
  const period = `${windowMinutes} min`;
  return {
    ...base,
    severity: kind === 'resolved' ? 'low' : severityOf(distancePastThreshold(count, threshold)),
    title: logsAlertTitle(name, count, operator, threshold, windowMinutes),
    details: details({
      ...identity,
      direction: operator === 'above' ? 'up' : 'down',
      value: count,
      unit: 'number',
      threshold,
      side: operator,
      period,
    }),
  };
}
