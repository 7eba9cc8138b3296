const JSON_MEDIA_TYPE = 'application/json';

/**
 * Whether a Content-Type is JSON: `application/json`, with parameters or not (`; charset=utf-8`),
 * and no other type (`application/json-patch+json` is not). Every body the functions read must be
 * sent as JSON: a browser can send text/plain or a form to any address without asking first, so
 * this also keeps a page elsewhere from writing through a body it was never allowed to send.
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const value = contentType?.trim().toLowerCase() ?? '';
  if (!value.startsWith(JSON_MEDIA_TYPE)) return false;
  const rest = value.slice(JSON_MEDIA_TYPE.length).trimStart();
  return rest === '' || rest.startsWith(';');
}
