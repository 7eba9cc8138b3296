import { priorityOf, severityOf } from '../../../lambda/core/severity.ts';

describe('severityOf', () => {
  it.each([
    [50, 'critical'],
    [-50, 'critical'],
    [1e308, 'critical'],
    [49.999, 'high'],
    [25, 'high'],
    [-25, 'high'],
    [24.999, 'medium'],
    [10, 'medium'],
    [-10, 'medium'],
    [9.999, 'low'],
    [0, 'low'],
    [-0.5, 'low'],
  ])('maps a change of %p%% to %s severity', (value, severity) => {
    expect(severityOf(value)).toBe(severity);
  });
});

describe('priorityOf', () => {
  it.each([
    ['critical', 1],
    ['high', 2],
    ['medium', 3],
    ['low', 4],
  ] as const)('gives %s severity issue priority %d', (severity, priority) => {
    expect(priorityOf(severity)).toBe(priority);
  });
});
