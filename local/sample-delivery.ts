/**
 * The sample delivery of the README and of Loop's PostHog docs: the start-up banner's curl,
 * `npm run signals -- test-delivery` and the bench all send it.
 */
export const SAMPLE_DELIVERY = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';

/**
 * What `npm run signals -- test-delivery` sends: a delivery of its own (not the README's curl),
 * marked as a test, so the webhook stores it as a signal and keeps it out of triage.
 */
export const TEST_DELIVERY =
  '{"name": "test_delivery", "value": 35, "timeframe": "last_7_days", "test": true}';
