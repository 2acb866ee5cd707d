// The support CLI: a thin client of the support console's admin API, so authorisation and the audit trail
// live in one place. Exit codes: 0 done, 1 the API refused or failed, 2 bad usage or configuration.
import { randomUUID } from 'node:crypto';
import { type Command, parseCommand, UsageError, usage } from './cli/args.ts';
import { table, timelineText } from './cli/format.ts';
import { tenantCheckCommand } from './cli/tenant-check.ts';

class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface Api {
  get(path: string): Promise<unknown>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<unknown>;
}

function apiClient(baseUrl: string, token: string): Api {
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
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
    post: (path, body, headers) => call('POST', path, body, headers),
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

const q = encodeURIComponent;

async function run(command: Exclude<Command, { name: 'help' | 'tenant check' }>, api: Api): Promise<string> {
  const out = (body: unknown, text: () => string) => (command.json ? JSON.stringify(body, null, 2) : text());
  switch (command.name) {
    case 'timeline': {
      const body = (await api.get(
        `/admin/applications/${q(command.id)}/timeline${command.unmask ? '?unmask=true' : ''}`,
      )) as Parameters<typeof timelineText>[0];
      return out(body, () => timelineText(body));
    }
    case 'replay': {
      const body = (await api.post('/admin/replays', {
        scope: command.scope,
        ...(command.target ? { target: command.target } : {}),
        dryRun: command.dryRun,
        reason: command.reason,
      })) as {
        id: string;
        dryRun: boolean;
        eventCount: number;
        target: string | null;
        events: { eventId: string; type: string; occurredAt: string; topic: string; applicationId: string }[];
      };
      return out(body, () =>
        [
          `${body.dryRun ? 'DRY RUN: would send' : 'Sent'} ${body.eventCount} events to ${body.target ?? 'every consumer'} (replay ${body.id}, recorded)`,
          '',
          table(
            ['time', 'event', 'event id', 'topic', 'application'],
            body.events.map((e) => [e.occurredAt, e.type, e.eventId, e.topic, e.applicationId]),
          ),
        ].join('\n'),
      );
    }
    case 'replays': {
      const body = (await api.get(`/admin/replays?limit=${command.limit}`)) as {
        replays: {
          id: string;
          createdAt: string;
          requestedBy: string;
          dryRun: boolean;
          target: string | null;
          eventCount: number;
          scope: unknown;
          reason: string;
        }[];
      };
      return out(body, () =>
        table(
          ['when', 'who', 'dry run', 'to', 'events', 'scope', 'reason'],
          body.replays.map((r) => [
            r.createdAt,
            r.requestedBy,
            r.dryRun ? 'yes' : 'no',
            r.target ?? 'all',
            r.eventCount,
            JSON.stringify(r.scope),
            r.reason,
          ]),
        ),
      );
    }
    case 'dead-letters list': {
      const body = (await api.get(
        `/admin/dead-letters?consumer=${q(command.consumer)}&last=${command.last}`,
      )) as {
        deadLetters: {
          partition: number;
          offset: string;
          failedAt: string | null;
          eventType: string | null;
          eventId: string | null;
          attempts: number | null;
          error: string;
          redrives: unknown[];
        }[];
      };
      return out(body, () =>
        body.deadLetters.length === 0
          ? `No dead letters for ${command.consumer}.`
          : table(
              ['partition/offset', 'failed at', 'event', 'event id', 'attempts', 'redriven', 'error'],
              body.deadLetters.map((d) => [
                `${d.partition}/${d.offset}`,
                d.failedAt,
                d.eventType,
                d.eventId,
                d.attempts,
                d.redrives.length || '',
                d.error.slice(0, 120),
              ]),
            ),
      );
    }
    case 'dead-letters show': {
      const body = await api.get(
        `/admin/dead-letters/${q(command.consumer)}/${command.partition}/${command.offset}`,
      );
      return JSON.stringify(body, null, 2);
    }
    case 'dead-letters redrive': {
      const body = (await api.post(
        `/admin/dead-letters/${q(command.consumer)}/${command.partition}/${command.offset}/redrive`,
        { reason: command.reason, force: command.force },
      )) as { topic: string; eventType: string | null; eventId: string | null; number: number };
      return out(
        body,
        () =>
          `Redriven to ${body.topic} for ${command.consumer} only: ${body.eventType ?? 'message'} ${body.eventId ?? ''} (redrive #${body.number}, recorded)`,
      );
    }
    case 'retry-report':
    case 'reupload-report': {
      const body = await api.post(`/admin/reruns/${command.name}`, {
        reportId: command.reportId,
        reason: command.reason,
      });
      const what = command.name === 'retry-report' ? 'retry' : 're-upload';
      return out(
        body,
        () => `report-sync accepted the ${what} of ${command.reportId}:\n${JSON.stringify(body, null, 2)}`,
      );
    }
    case 'resend-invite': {
      // One key per invocation: if this request is retried on the way, invite sends the invite once.
      const body = await api.post(
        '/admin/reruns/resend-invite',
        {
          applicationId: command.applicationId,
          applicantId: command.applicantId,
          kind: command.kind,
          ...(command.channels ? { channels: command.channels } : {}),
          reason: command.reason,
        },
        { 'idempotency-key': `support-cli-${randomUUID()}` },
      );
      return out(body, () => `invite accepted the re-send:\n${JSON.stringify(body, null, 2)}`);
    }
    case 'audit': {
      const body = (await api.get(`/admin/audit?limit=${command.limit}`)) as {
        entries: {
          createdAt: string;
          actor: string;
          action: string;
          target: string;
          reason: string | null;
        }[];
      };
      return out(body, () =>
        table(
          ['when', 'who', 'action', 'target', 'reason'],
          body.entries.map((e) => [e.createdAt, e.actor, e.action, e.target, e.reason]),
        ),
      );
    }
  }
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`support: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (command.name === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  // Runs where the tenants file and the secrets are, against Entrata and the platform: no console involved.
  if (command.name === 'tenant check') return tenantCheckCommand(command, env);
  const token = env.SUPPORT_TOKEN;
  if (!token) {
    process.stderr.write('support: SUPPORT_TOKEN is not set (your personal support token)\n');
    return 2;
  }
  const baseUrl = env.SUPPORT_URL || 'http://127.0.0.1:3006';
  if (!/^https?:\/\/\S+$/.test(baseUrl)) {
    process.stderr.write(`support: SUPPORT_URL "${baseUrl}" is not an http(s) URL\n`);
    return 2;
  }
  try {
    process.stdout.write(`${await run(command, apiClient(baseUrl, token))}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    process.stderr.write(`support: ${command.name} failed: ${error.message}\n`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
