import { parseArgs } from 'node:util';

export type Command =
  | { name: 'help' }
  | { name: 'timeline'; id: string; unmask: boolean; json: boolean }
  | {
      name: 'replay';
      scope: { applicationId: string } | { tenantId: string; from: string; to: string };
      target?: string;
      dryRun: boolean;
      reason: string;
      json: boolean;
    }
  | { name: 'replays'; limit: number; json: boolean }
  | { name: 'dead-letters list'; consumer: string; last: number; json: boolean }
  | { name: 'dead-letters show'; consumer: string; partition: number; offset: string; json: boolean }
  | {
      name: 'dead-letters redrive';
      consumer: string;
      partition: number;
      offset: string;
      reason: string;
      force: boolean;
      json: boolean;
    }
  | { name: 'reupload-report' | 'retry-report'; reportId: string; reason: string; json: boolean }
  | {
      name: 'resend-invite';
      applicationId: string;
      applicantId: string;
      kind: 'income' | 'identity';
      channels?: ('email' | 'sms')[];
      reason: string;
      json: boolean;
    }
  | { name: 'audit'; limit: number; json: boolean }
  | { name: 'tenant check'; tenantId: string; json: boolean };

/** Bad usage: the CLI prints the message and the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const usage = `usage: pnpm support <command>

  timeline <applicationId | entrata:<tenant>:<entrataApplicationId>> [--unmask] [--json]
  replay --application <id> [--to-consumer <service>] [--dry-run] --reason "<why>"
  replay --tenant <tenant> --from <iso time> --to <iso time> [--to-consumer <service>] [--dry-run] --reason "<why>"
  replays [--limit <n>]
  dead-letters list --consumer <service> [--last <n>]
  dead-letters show <consumer> <partition> <offset>
  dead-letters redrive <consumer> <partition> <offset> --reason "<why>" [--force]
  retry-report <reportId> --reason "<why>"       (a report whose sync failed)
  reupload-report <reportId> --reason "<why>"    (a synced report whose document was deleted in Entrata)
  resend-invite <applicationId> <applicantId> <income|identity> [--channel email|sms ...] --reason "<why>"
  audit [--limit <n>]
  tenant check <tenant>    (before going live: secrets, Entrata access, file types, rent, platform credentials)

  Every command takes --json. Environment: SUPPORT_URL (default http://127.0.0.1:3006), SUPPORT_TOKEN.
  tenant check runs locally instead: TENANTS_FILE, the tenant's secrets, PLATFORM_BASE_URL,
  PLATFORM_CLIENT_ID, PLATFORM_SECRET_KEY (as the services have them); exit 1 when something is wrong.`;

type Options = Record<string, { type: 'string' | 'boolean'; default?: boolean; multiple?: boolean }>;
interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

function parse(command: string, args: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false }, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

function positionals(command: string, given: string[], names: string[]): string[] {
  if (given.length < names.length)
    throw new UsageError(
      `${command}: missing ${names
        .slice(given.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  if (given.length > names.length)
    throw new UsageError(`${command}: unexpected argument "${given[names.length]}"`);
  return given;
}

function reasonOf(command: string, reason: string | undefined): string {
  if (reason === undefined) throw new UsageError(`${command}: --reason "<why>" is required (it is recorded)`);
  if (reason.trim().length < 3)
    throw new UsageError(`${command}: --reason must say why (at least 3 characters)`);
  return reason.trim();
}

function positiveInt(
  command: string,
  name: string,
  text: string | undefined,
  fallback: number,
  max = 1000,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new UsageError(`${command}: ${name} must be a whole number from 1 to ${max} (got "${text}")`);
  return Number(text);
}

function isoTime(command: string, name: string, text: string | undefined): string {
  if (text === undefined) throw new UsageError(`${command}: ${name} <iso time> is required with --tenant`);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  )
    throw new UsageError(
      `${command}: ${name} must be an ISO date-time with a zone, e.g. 2026-11-24T00:00:00Z (got "${text}")`,
    );
  return new Date(text).toISOString();
}

function deadLetterAddress(command: string, given: string[]) {
  const [consumer, partition, offset] = positionals(command, given, ['consumer', 'partition', 'offset']) as [
    string,
    string,
    string,
  ];
  if (!/^\d+$/.test(partition))
    throw new UsageError(`${command}: partition must be a number (got "${partition}")`);
  if (!/^\d+$/.test(offset)) throw new UsageError(`${command}: offset must be a number (got "${offset}")`);
  return { consumer, partition: Number(partition), offset };
}

/** The command named by argv (without node and the script), or a UsageError saying what is wrong. */
export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'timeline': {
      const { values, positionals: p } = parse('timeline', rest, {
        unmask: { type: 'boolean', default: false },
      });
      const [id] = positionals('timeline', p, ['applicationId']) as [string];
      return { name: 'timeline', id, unmask: values.unmask === true, json: values.json === true };
    }
    case 'replay': {
      const { values, positionals: p } = parse('replay', rest, {
        application: { type: 'string' },
        tenant: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'to-consumer': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        reason: { type: 'string' },
      });
      positionals('replay', p, []);
      const application = values.application as string | undefined;
      const tenant = values.tenant as string | undefined;
      if (application !== undefined && tenant !== undefined)
        throw new UsageError('replay: give either --application or --tenant with --from/--to, not both');
      let scope: Extract<Command, { name: 'replay' }>['scope'];
      if (application !== undefined) {
        if (values.from !== undefined || values.to !== undefined)
          throw new UsageError(
            'replay: --from/--to go with --tenant; --application replays all of its events',
          );
        scope = { applicationId: application };
      } else if (tenant !== undefined) {
        const from = isoTime('replay', '--from', values.from as string | undefined);
        const to = isoTime('replay', '--to', values.to as string | undefined);
        if (Date.parse(from) >= Date.parse(to)) throw new UsageError('replay: --from must be before --to');
        scope = { tenantId: tenant, from, to };
      } else
        throw new UsageError(
          'replay: say what to replay: --application <id>, or --tenant <t> --from <iso> --to <iso>',
        );
      const target = values['to-consumer'] as string | undefined;
      return {
        name: 'replay',
        scope,
        ...(target !== undefined ? { target } : {}),
        dryRun: values['dry-run'] === true,
        reason: reasonOf('replay', values.reason as string | undefined),
        json: values.json === true,
      };
    }
    case 'replays':
    case 'audit': {
      const { values, positionals: p } = parse(first, rest, { limit: { type: 'string' } });
      positionals(first, p, []);
      return {
        name: first,
        limit: positiveInt(first, '--limit', values.limit as string | undefined, 20),
        json: values.json === true,
      };
    }
    case 'dead-letters': {
      const [sub, ...args] = rest;
      if (sub === 'list') {
        const { values, positionals: p } = parse('dead-letters list', args, {
          consumer: { type: 'string' },
          last: { type: 'string' },
        });
        positionals('dead-letters list', p, []);
        const consumer = values.consumer as string | undefined;
        if (!consumer) throw new UsageError('dead-letters list: --consumer <service> is required');
        return {
          name: 'dead-letters list',
          consumer,
          last: positiveInt('dead-letters list', '--last', values.last as string | undefined, 50),
          json: values.json === true,
        };
      }
      if (sub === 'show') {
        const { values, positionals: p } = parse('dead-letters show', args, {});
        return {
          name: 'dead-letters show',
          ...deadLetterAddress('dead-letters show', p),
          json: values.json === true,
        };
      }
      if (sub === 'redrive') {
        const { values, positionals: p } = parse('dead-letters redrive', args, {
          reason: { type: 'string' },
          force: { type: 'boolean', default: false },
        });
        return {
          name: 'dead-letters redrive',
          ...deadLetterAddress('dead-letters redrive', p),
          reason: reasonOf('dead-letters redrive', values.reason as string | undefined),
          force: values.force === true,
          json: values.json === true,
        };
      }
      throw new UsageError(`dead-letters: expected list, show or redrive${sub ? ` (got "${sub}")` : ''}`);
    }
    case 'retry-report':
    case 'reupload-report': {
      const { values, positionals: p } = parse(first, rest, { reason: { type: 'string' } });
      const [reportId] = positionals(first, p, ['reportId']) as [string];
      return {
        name: first,
        reportId,
        reason: reasonOf(first, values.reason as string | undefined),
        json: values.json === true,
      };
    }
    case 'resend-invite': {
      const { values, positionals: p } = parse(first, rest, {
        reason: { type: 'string' },
        channel: { type: 'string', multiple: true },
      });
      const [applicationId, applicantId, kind] = positionals(first, p, [
        'applicationId',
        'applicantId',
        'kind',
      ]) as [string, string, string];
      if (kind !== 'income' && kind !== 'identity')
        throw new UsageError(`resend-invite: kind must be income or identity (got "${kind}")`);
      const channels = values.channel as string[] | undefined;
      for (const channel of channels ?? [])
        if (channel !== 'email' && channel !== 'sms')
          throw new UsageError(`resend-invite: --channel must be email or sms (got "${channel}")`);
      return {
        name: 'resend-invite',
        applicationId,
        applicantId,
        kind,
        ...(channels ? { channels: [...new Set(channels)] as ('email' | 'sms')[] } : {}),
        reason: reasonOf(first, values.reason as string | undefined),
        json: values.json === true,
      };
    }
    case 'tenant': {
      const [sub, ...args] = rest;
      if (sub !== 'check') throw new UsageError(`tenant: expected check${sub ? ` (got "${sub}")` : ''}`);
      const { values, positionals: p } = parse('tenant check', args, {});
      const [tenantId] = positionals('tenant check', p, ['tenant']) as [string];
      return { name: 'tenant check', tenantId, json: values.json === true };
    }
    default:
      throw new UsageError(`unknown command "${first}"`);
  }
}
