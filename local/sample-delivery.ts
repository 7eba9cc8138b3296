/**
 * The sample delivery of the README and of Loop's PostHog docs: the start-up banner's curl,
 * `npm run signals -- test-delivery` and the bench all send it.
 */
export const SAMPLE_DELIVERY = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';
