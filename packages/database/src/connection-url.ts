/** Parsing and rewriting of PostgreSQL connection strings, with messages a person can act on. */

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

const IDENTIFIER_MAX_BYTES = 63;

/**
 * Validates a `postgresql://` URL that names a database. The message never echoes the URL itself,
 * because it may carry a password.
 */
export function parseDatabaseUrl(databaseUrl: string | undefined, variable = 'DATABASE_URL'): URL {
  if (databaseUrl === undefined || databaseUrl.trim() === '') {
    throw new DatabaseUrlError(
      `${variable} is not set: expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
    );
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new DatabaseUrlError(
      `${variable} is not a valid URL: expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
    );
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new DatabaseUrlError(`${variable} must start with postgresql:// (got ${url.protocol}//)`);
  }
  if (url.hostname === '') {
    throw new DatabaseUrlError(`${variable} has no host: expected postgresql://USER@HOST[:PORT]/DATABASE`);
  }
  const name = databaseNameOf(url);
  if (name === '') {
    throw new DatabaseUrlError(
      `${variable} names no database: expected postgresql://USER@HOST[:PORT]/DATABASE`,
    );
  }
  if (Buffer.byteLength(name) > IDENTIFIER_MAX_BYTES) {
    throw new DatabaseUrlError(
      `${variable}: database name "${name}" is longer than PostgreSQL's 63-byte limit`,
    );
  }
  return url;
}

export function databaseNameOf(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** The same server, user and options, another database. */
export function withDatabase(databaseUrl: string | URL, database: string): string {
  const url = new URL(databaseUrl.toString());
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Quotes an identifier for SQL text (CREATE/DROP DATABASE take no bind parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
