/**
 * Reads a PostHog delivery as the signals it reports (docs/http-contract.md "Fields read" and
 * "PostHog's alert bodies"), whichever way PostHog sent it:
 *
 *   logs alert envelope (path A)          → logs-alert.ts
 *   Alertmanager body (path C)            → alertmanager.ts
 *   insight alert: the alert form's body, or the HTTP Webhook destination's default body (path B),
 *   or a custom body with name/value/timeframe — explicit fields always win → here
 */

import { parsePercentText } from '../../core/decimal-text.ts';
import { InvalidPayloadError } from '../../core/errors.ts';
import { isJsonObject, type JsonObject, type JsonValue, ownField } from '../../core/json.ts';
import type { SignalReading } from '../../core/loop-records.ts';
import { severityOf } from '../../core/severity.ts';
import { isAlertmanagerBody, readAlertmanagerBody } from './alertmanager.ts';
import {
  characterCount,
  checkedName,
  details,
  distancePastThreshold,
  firstText,
  jsonNumber,
  linkCandidates,
} from './fields.ts';
import { type Breach, decidingBreach, type InsightAlertFields, insightAlertFields } from './insight-alert.ts';
import { isLogsAlertEnvelope, readLogsAlert } from './logs-alert.ts';
import { breachTitle, changeTitle, isPercentageThreshold, oneLine } from './title.ts';

const MAX_TIMEFRAME_LENGTH = 128;
const DEFAULT_TIMEFRAME = 'recent';

const EXPECTED_FIELDS =
  'expected name and value (a custom body), or the body of a PostHog alert (insight_name or alert_name, and breaches; a logs alert envelope; an Alertmanager body)';

/** Reads a PostHog delivery body; throws InvalidPayloadError naming the field that does not read. */
export function readPosthogDelivery(payload: JsonObject): [SignalReading, ...SignalReading[]] {
  if (isLogsAlertEnvelope(payload)) return [readLogsAlert(payload)];
  if (isAlertmanagerBody(payload)) return readAlertmanagerBody(payload);
  return [readInsightOrCustom(payload)];
}

/**
 * An insight alert's body or a custom body. Name from `event.name` (when a non-empty string), else
 * `name`, else the insight's (or alert's) name; value from `value` (a percentage change), else the
 * deciding breach; timeframe from `timeframe`, else the breach's period, else `recent`.
 */
function readInsightOrCustom(payload: JsonObject): SignalReading {
  const alert = insightAlertFields(payload);
  const name = readName(payload, alert);
  const explicitValue = ownField(payload, 'value');
  const hasExplicitValue = explicitValue !== undefined && explicitValue !== null;
  const breach = !hasExplicitValue && alert ? decidingBreach(alert.breaches) : undefined;
  const timeframe = readTimeframe(ownField(payload, 'timeframe'), breach?.period);
  const alertId = alert?.alertId ?? alertIdOf(payload);
  const kind = alert?.resolved ? 'resolved' : 'firing';
  const base = {
    source: 'posthog',
    type: 'metric_change',
    kind,
    sourceId: alertId ?? otherIdOf(payload),
    alertKey: alertId ?? null,
    subject: name,
    // A custom body may name them at its top, as the README's example does.
    links: {
      ...linkCandidates({ insight: ownField(payload, 'insight_url'), alert: ownField(payload, 'alert_url') }),
      ...alert?.links,
    },
  } as const;
  // What every reading's details name first: the alert, the metric, the names PostHog gave, the kind.
  const identity = { alertId, name, alertName: alert?.alertName, insightName: alert?.insightName, kind };

  if (hasExplicitValue) {
    const value = readValue(explicitValue);
    return {
      ...base,
      severity: severityOf(value),
      title: changeTitle(name, value, timeframe),
      details: details({
        ...identity,
        direction: value > 0 ? 'up' : value < 0 ? 'down' : undefined,
        value,
        unit: 'percent',
        period: timeframe,
      }),
    };
  }
  if (breach) {
    return {
      ...base,
      severity: kind === 'resolved' ? 'low' : severityOf(severityBasis(breach)),
      title: breachTitle(name, breach, timeframe),
      details: breachDetails(identity, breach, timeframe),
    };
  }
  if (alert?.resolved) {
    return {
      ...base,
      severity: 'low',
      title: `PostHog: ${oneLine(name)} resolved`,
      details: details({
        ...identity,
        period: timeframe,
      }),
    };
  }
  if (alert) {
    throw new InvalidPayloadError(
      'Field breaches holds no breach this service can read (such as "The insight value (signups) for previous day (32.50%) decreased more than upper threshold (20.00%)"); send value explicitly',
    );
  }
  throw new InvalidPayloadError(`Missing required field: value (the percentage change); ${EXPECTED_FIELDS}`);
}

/**
 * The percentage that decides a breach's severity: a relative change is its own size; a level, or
 * an absolute change, is measured by how far it lies past the threshold it crossed.
 */
function severityBasis(breach: Breach): number {
  if (breach.condition !== 'is' && isPercentageThreshold(breach)) return Math.abs(breach.value);
  return distancePastThreshold(breach.printed.value, breach.threshold.value);
}

function breachDetails(
  identity: Readonly<Record<string, string | undefined>>,
  breach: Breach,
  period: string,
): JsonObject {
  const direction =
    breach.condition === 'is' ? (breach.side === 'above' ? 'up' : 'down') : breach.value < 0 ? 'down' : 'up';
  return details({
    ...identity,
    condition: breach.condition,
    direction,
    value: jsonNumber(breach.value),
    valueText: breach.printed.text,
    unit: breach.printed.percent ? 'percent' : 'number',
    threshold: breach.threshold.value,
    thresholdText: breach.threshold.text,
    side: breach.side,
    period,
    breach: breach.text,
  });
}

function readName(payload: JsonObject, alert: InsightAlertFields | undefined): string {
  const event = ownField(payload, 'event');
  const eventName = isJsonObject(event) ? ownField(event, 'name') : undefined;
  if (typeof eventName === 'string' && eventName.trim() !== '') return checkedName(eventName, 'name');

  const name = ownField(payload, 'name');
  if (name === undefined || name === null) {
    if (alert?.name !== undefined) return checkedName(alert.name, 'name');
    throw new InvalidPayloadError(
      `Missing required field: name (the metric name, or event.name); ${EXPECTED_FIELDS}`,
    );
  }
  if (typeof name !== 'string') throw new InvalidPayloadError('Field name must be a string');
  return checkedName(name, 'name');
}

function readValue(value: JsonValue): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? parsePercentText(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new InvalidPayloadError(
      'Field value must be a finite number or numeric text such as "35" or "-12.5%"',
    );
  }
  return number;
}

function readTimeframe(value: JsonValue | undefined, period: string | undefined): string {
  if (value === undefined || value === null) return period ?? DEFAULT_TIMEFRAME;
  if (typeof value !== 'string') throw new InvalidPayloadError('Field timeframe must be a string');
  const timeframe = value.trim();
  if (characterCount(timeframe) > MAX_TIMEFRAME_LENGTH) {
    throw new InvalidPayloadError(`Field timeframe must be at most ${MAX_TIMEFRAME_LENGTH} characters`);
  }
  return timeframe === '' ? DEFAULT_TIMEFRAME : timeframe;
}

/** An alert id a custom body carries (`alert_id`, or `event.properties.alert_id`). */
function alertIdOf(payload: JsonObject): string | undefined {
  const event = ownField(payload, 'event');
  const properties = isJsonObject(event) ? ownField(event, 'properties') : undefined;
  return firstText(
    idText(ownField(payload, 'alert_id')),
    isJsonObject(properties) ? idText(ownField(properties, 'alert_id')) : undefined,
  );
}

/** Another PostHog identifier a body may carry, when it names no alert. */
function otherIdOf(payload: JsonObject): string | null {
  const event = ownField(payload, 'event');
  return (
    firstText(
      isJsonObject(event) ? idText(ownField(event, 'uuid')) : undefined,
      idText(ownField(payload, 'id')),
    ) ?? null
  );
}

function idText(value: JsonValue | undefined): JsonValue | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
}
