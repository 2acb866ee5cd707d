/** The CLI's client of the support console's admin API: answers as JSON, refusals as ApiError. */

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface Api {
  get(path: string): Promise<unknown>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<unknown>;
}

export function apiClient(baseUrl: string, token: string, headers: Record<string, string> = {}): Api {
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          ...headers,
          ...extra,
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(130_000),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { message?: string } }).cause?.message;
      throw new ApiError(
        0,
        `the support console at ${baseUrl} did not answer: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    if (!response.ok) throw new ApiError(response.status, problemText(response.status, parsed));
    return parsed;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body, extra) => call('POST', path, body, extra),
  };
}

function problemText(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const p = body as {
      title?: string;
      detail?: string;
      errors?: { path: string; message: string }[];
      upstream?: unknown;
    };
    const lines = [`${status} ${p.title ?? ''}${p.detail ? `: ${p.detail}` : ''}`];
    for (const e of p.errors ?? []) lines.push(`  ${e.path} ${e.message}`);
    if (p.upstream !== undefined) lines.push(`  upstream: ${JSON.stringify(p.upstream)}`);
    return lines.join('\n');
  }
  return `${status} ${String(body).slice(0, 300)}`;
}
