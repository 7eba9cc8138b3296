import type { JsonObject } from '../../lambda/core/json.ts';

/**
 * A logs alert as PostHog's managed destination sends it (path A: products/logs/backend/
 * alert_destinations.py): `{id, type, timestamp, data}`, `type` `logs_alert.<type>`. By default
 * the alert `l-1`, "checkout errors", 312 logs above 100 in 5 minutes; `data` adds or replaces
 * fields.
 */
export function logsAlertBody({
  type,
  id,
  timestamp,
  alertId = 'l-1',
  name = 'checkout errors',
  count = 312,
  data = {},
}: {
  readonly type: string;
  readonly id: string;
  readonly timestamp?: string;
  readonly alertId?: string;
  readonly name?: string;
  readonly count?: number;
  readonly data?: JsonObject;
}): JsonObject {
  return {
    id,
    type: `logs_alert.${type}`,
    ...(timestamp ? { timestamp } : {}),
    data: {
      alert_id: alertId,
      alert_name: name,
      result_count: count,
      threshold_count: 100,
      threshold_operator: 'above',
      window_minutes: 5,
      ...data,
    },
  };
}
