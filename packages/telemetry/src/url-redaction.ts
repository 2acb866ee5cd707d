/**
 * Outgoing request URLs without their query values. The undici instrumentation records the full URL of every
 * call we make; query strings are where personal data ends up (Twilio's message list is filtered by
 * `To=<phone>&From=<phone>`), so every value becomes `REDACTED` before the span starts (the names stay, they
 * say what was asked). Paths are kept: ours carry ids, never people.
 */
export const REDACTED = 'REDACTED';

export function redactQuery(search: string): string {
  if (search === '' || search === '?') return search;
  const pairs = search.replace(/^\?/, '').split('&');
  return `?${pairs.map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=${REDACTED}` : pair)).join('&')}`;
}

/** Span attributes that replace url.full and url.query of an outgoing request (undici `startSpanHook`). */
export function redactedUrlAttributes(request: { origin: string; path: string }): Record<string, string> {
  let url: URL;
  try {
    url = new URL(request.path, request.origin);
  } catch {
    return {};
  }
  if (url.search === '') return {};
  const query = redactQuery(url.search);
  url.search = '';
  return { 'url.full': `${url.toString()}${query}`, 'url.query': query };
}
