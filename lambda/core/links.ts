/**
 * Links an issue carries to where its alert lives in PostHog (docs/http-contract.md "Issues"):
 * only the URLs a delivery named, and of those only `https:` ones on PostHog's own hosts
 * (posthog.com and its subdomains, such as us.posthog.com) or on the deployment's own PostHog
 * host (a stack option, for a self-hosted PostHog) — never a link an attacker chose to another
 * host, even one who knows the webhook secret.
 */

/** What a link leads to: the insight, the alert, the logs it counted. */
export const LINK_KINDS = ['insight', 'alert', 'logs'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
/** An issue's links, by kind; a kind absent when the delivery named no such link (or an unsafe one). */
export type Links = Partial<Readonly<Record<LinkKind, string>>>;

/** PostHog Cloud's domain: it and its subdomains are PostHog's. */
const POSTHOG_DOMAIN = 'posthog.com';
/** Longer than any link PostHog sends; a longer text is not parsed at all. */
const MAX_LINK_LENGTH = 2_048;

/**
 * The safe links among `candidates`: each an absolute `https:` URL, without credentials, on a
 * PostHog host or `ownHost` (a host name, compared exactly), written as the URL parser normalises
 * it (so it holds no space, quote or angle bracket). Anything else is dropped.
 */
export function safeLinks(candidates: Readonly<Record<string, unknown>>, ownHost?: string): Links {
  const links: Partial<Record<LinkKind, string>> = {};
  for (const kind of LINK_KINDS) {
    const safe = safeLink(candidates[kind], ownHost);
    if (safe) links[kind] = safe;
  }
  return links;
}

function safeLink(candidate: unknown, ownHost: string | undefined): string | undefined {
  if (typeof candidate !== 'string' || candidate.length > MAX_LINK_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return undefined;
  const host = url.hostname.toLowerCase();
  const ours = host === POSTHOG_DOMAIN || host.endsWith(`.${POSTHOG_DOMAIN}`);
  const own = ownHost !== undefined && host === ownHost.toLowerCase();
  return ours || own ? url.href : undefined;
}
