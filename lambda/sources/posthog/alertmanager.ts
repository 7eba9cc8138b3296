/**
 * PostHog's alert platform (path C, a pilot behind a PostHog flag): an Alertmanager v4 webhook
 * body, header `X-PostHog-Webhook-Version: 2`, built by
 * products/alerts_platform/backend/delivery/webhook.py. PostHog puts one alert in each body; the
 * format allows several, and each is read as a signal of its own. Labels `alertname`,
 * `posthog_configuration_id`, `posthog_event_kind` (firing|resolved|errored|broken) plus the
 * source's group labels; annotations `summary`, `description` (e.g. "Threshold breached: 312
 * logs in 5m (threshold: above 300)"), `value` (`:g`) and `error`.
 */

import { InvalidPayloadError } from '../../core/errors.ts';
import { isJsonObject, type JsonObject, type JsonValue, ownField } from '../../core/json.ts';
import type { SignalKind, SignalReading } from '../../core/loop-records.ts';
import { severityOf } from '../../core/severity.ts';
import { checkedName, details, distancePastThreshold, firstText, linkCandidates } from './fields.ts';
import { readPrintedNumber } from './printed-number.ts';
import { alertErrorTitle, platformAlertTitle } from './title.ts';

/** More alerts in one body are refused: each is a write, and a delivery must answer within seconds. */
const MAX_ALERTS_PER_BODY = 10;

const KINDS: Readonly<Record<string, SignalKind>> = {
  firing: 'firing',
  resolved: 'resolved',
  errored: 'errored',
  broken: 'errored',
};
const EVENT_KIND_LABEL = 'posthog_event_kind';

/** True for an Alertmanager webhook body: a `version` and an `alerts` list. */
export function isAlertmanagerBody(payload: JsonObject): boolean {
  return typeof ownField(payload, 'version') === 'string' && Array.isArray(ownField(payload, 'alerts'));
}

/** Reads each alert of the body; throws InvalidPayloadError naming what does not read. */
export function readAlertmanagerBody(payload: JsonObject): [SignalReading, ...SignalReading[]] {
  const alerts = ownField(payload, 'alerts') as JsonValue[];
  if (alerts.length === 0) throw new InvalidPayloadError('Field alerts must hold at least one alert');
  if (alerts.length > MAX_ALERTS_PER_BODY) {
    throw new InvalidPayloadError(
      `Field alerts holds ${alerts.length} alerts; at most ${MAX_ALERTS_PER_BODY} are read per body`,
    );
  }
  const readings = alerts.map((alert, index) => readAlert(alert, index));
  return readings as [SignalReading, ...SignalReading[]];
}

function readAlert(alert: JsonValue, index: number): SignalReading {
  const field = `alerts[${index}]`;
  if (!isJsonObject(alert)) throw new InvalidPayloadError(`Field ${field} must be an object`);
  const labels = ownField(alert, 'labels');
  const annotations = ownField(alert, 'annotations');
  if (!isJsonObject(labels)) throw new InvalidPayloadError(`Field ${field}.labels must be an object`);
  const notes = isJsonObject(annotations) ? annotations : {};
  const stated = firstText(ownField(labels, EVENT_KIND_LABEL), ownField(alert, 'status')) ?? '';
  const kind = Object.hasOwn(KINDS, stated) ? KINDS[stated] : undefined;
  if (!kind) {
    throw new InvalidPayloadError(
      `Field ${field}.labels.${EVENT_KIND_LABEL}: unknown alert state "${stated.slice(0, 64)}" (known: ${Object.keys(KINDS).join(', ')})`,
    );
  }
  const name = checkedName(firstText(ownField(labels, 'alertname')) ?? 'alert', `${field}.labels.alertname`);
  const configurationId = firstText(ownField(labels, 'posthog_configuration_id'));
  const summary = firstText(ownField(notes, 'summary'));
  const valueText = firstText(ownField(notes, 'value'));
  const value = valueText === undefined ? undefined : readPrintedNumber(valueText);
  const condition = thresholdIn(firstText(ownField(notes, 'description')) ?? '');
  const base = {
    source: 'posthog',
    type: 'platform_alert',
    kind,
    sourceId: configurationId ?? firstText(ownField(alert, 'fingerprint')) ?? null,
    alertKey: alertKeyOf(labels, field),
    subject: name,
    links: linkCandidates({ alert: ownField(alert, 'generatorURL') }),
  };
  if (kind === 'errored') {
    const reason = firstText(ownField(notes, 'error'));
    return {
      ...base,
      severity: 'low',
      title: alertErrorTitle(name, stated === 'broken', reason),
      details: details({ alertId: configurationId, name, kind, event: stated, error: reason, summary }),
    };
  }
  const severity =
    kind === 'resolved'
      ? 'low'
      : value && condition
        ? severityOf(distancePastThreshold(value.value, condition.threshold))
        : // Fired, but by how much is not said: the middle of the scale.
          'medium';
  return {
    ...base,
    severity,
    title: platformAlertTitle(name, value?.text, condition, summary),
    details: details({
      alertId: configurationId,
      name,
      kind,
      event: stated,
      direction: condition ? (condition.side === 'above' ? 'up' : 'down') : undefined,
      value: value && Number.isFinite(value.value) ? value.value : valueText,
      unit: value ? 'number' : undefined,
      threshold: condition?.threshold,
      side: condition?.side,
      period: condition?.window,
      summary,
    }),
  };
}

/**
 * The alert's identity for grouping: its labels but the event kind, so that an alert's firing,
 * resolution and errors share one open issue, and two alerts of one group do not. Every label
 * counts, by its JSON value (`"1"` and `1` differ); a label that is an object or a list names
 * nothing a person could read, and is refused, named.
 */
function alertKeyOf(labels: JsonObject, field: string): string {
  const identity = Object.entries(labels)
    .filter(([name]) => name !== EVENT_KIND_LABEL)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of identity) {
    if (typeof value === 'object' && value !== null) {
      throw new InvalidPayloadError(
        `Field ${field}.labels.${name.slice(0, 64)} must be text, a number or a boolean`,
      );
    }
  }
  return JSON.stringify(identity);
}

/**
 * The threshold in PostHog's detail text, "… 312 logs in 5m (threshold: above 300)": side,
 * number and the window before it. Found with plain searches: linear in the text.
 */
function thresholdIn(
  description: string,
): { side: 'above' | 'below'; threshold: number; text: string; window?: string } | undefined {
  const marker = '(threshold: ';
  const at = description.indexOf(marker);
  if (at === -1) return undefined;
  const close = description.indexOf(')', at);
  if (close === -1) return undefined;
  const [side, amount] = description
    .slice(at + marker.length, close)
    .trim()
    .split(' ');
  if ((side !== 'above' && side !== 'below') || amount === undefined) return undefined;
  const threshold = readPrintedNumber(amount);
  if (!threshold || !Number.isFinite(threshold.value)) return undefined;
  const inAt = description.lastIndexOf(' in ', at);
  const window = inAt === -1 ? undefined : description.slice(inAt + 4, at).trim() || undefined;
  return { side, threshold: threshold.value, text: threshold.text, ...(window ? { window } : {}) };
}
