/** Signal severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Signal severity, from the size of the metric change. */
export type Severity = (typeof SEVERITIES)[number];

/** Issue priorities: 1 is the most urgent. */
export const PRIORITIES = [1, 2, 3, 4] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The priority `value` names (the number itself, or its text), if it names one. */
export function priorityNamed(value: unknown): Priority | undefined {
  return PRIORITIES.find((priority) => priority === value || String(priority) === value);
}

/** Maps a percentage change to a severity by its absolute value: ≥50 critical, ≥25 high, ≥10 medium. */
export function severityOf(percentChange: number): Severity {
  const magnitude = Math.abs(percentChange);
  if (magnitude >= 50) return 'critical';
  if (magnitude >= 25) return 'high';
  if (magnitude >= 10) return 'medium';
  return 'low';
}

const PRIORITY_BY_SEVERITY: Readonly<Record<Severity, Priority>> = {
  critical: 1,
  high: 2,
  medium: 3,
  low: 4,
};

/** Maps a severity to the priority of the triage issue it opens. */
export function priorityOf(severity: Severity): Priority {
  return PRIORITY_BY_SEVERITY[severity];
}
