import { Option } from 'commander';
import { BadApplicationRefError, parseApplicationRef } from '../domain/application-ref.ts';

export type Command =
  | { name: 'help'; text: string }
  | { name: 'timeline'; id: string; unmask: boolean; reason?: string; json: boolean }
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
  | { name: 'audit'; limit: number; action?: string; json: boolean }
  | { name: 'tenant check'; tenantId: string; json: boolean }
  | { name: 'outbox list'; service: string; limit: number; json: boolean }
  | { name: 'outbox requeue' | 'outbox discard'; service: string; id: string; reason: string; json: boolean }
  | {
      name: 'erase';
      tenantId: string;
      applicationId: string;
      applicantId: string;
      reason: string;
      json: boolean;
    }
  | { name: 'erasures'; requestId: string; json: boolean };

/** What a command's action hands back to parseCommand. */
export type Emit = (command: Command) => void;
/** A command's options as commander gives them (camelCase names). */
export type Opts = Record<string, string | boolean | string[] | undefined>;

export const reason = () => new Option('--reason <why>', 'why: the ticket or incident (recorded)');
export const json = () => new Option('--json', 'print the answer as JSON');

/** Bad usage: the CLI prints the message and where to find help, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function reasonOf(command: string, reason: string | undefined): string {
  if (reason === undefined) throw new UsageError(`${command}: --reason "<why>" is required (it is recorded)`);
  if (reason.trim().length < 3)
    throw new UsageError(`${command}: --reason must say why (at least 3 characters)`);
  return reason.trim();
}

export function positiveInt(
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

export function isoTime(command: string, name: string, text: string | undefined): string {
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

export function deadLetterAddress(command: string, partition: string, offset: string) {
  if (!/^\d+$/.test(partition))
    throw new UsageError(`${command}: partition must be a number (got "${partition}")`);
  if (!/^\d+$/.test(offset)) throw new UsageError(`${command}: offset must be a number (got "${offset}")`);
  return { partition: Number(partition), offset };
}

/**
 * Our application id (a uuid) or entrata:<tenant>:<number>. Checked here so a typo is a usage error rather
 * than an empty timeline: Entrata's application ids are numbers, and an unknown one would find no events.
 */
export function applicationRefOf(command: string, text: string): string {
  const value = text.trim();
  if (/^\d+$/.test(value))
    throw new UsageError(
      `${command}: "${value}" looks like Entrata's application id: give it as entrata:<tenant>:${value}`,
    );
  try {
    const ref = parseApplicationRef(value);
    if (ref.kind === 'entrata' && !/^\d+$/.test(ref.entrataApplicationId))
      throw new UsageError(
        `${command}: Entrata application ids are numbers (got "${ref.entrataApplicationId.slice(0, 80)}")`,
      );
  } catch (error) {
    if (error instanceof BadApplicationRefError) throw new UsageError(`${command}: ${error.message}`);
    throw error;
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One of our ids (a uuid): Entrata's numbers and typos are usage errors, not a request for nobody. */
export function uuidOf(command: string, name: string, text: string): string {
  if (!UUID.test(text.trim()))
    throw new UsageError(`${command}: ${name} must be our id, a uuid (got "${text}")`);
  return text.trim().toLowerCase();
}

export function serviceOf(command: string, service: string, known: readonly string[]): string {
  if (!known.includes(service))
    throw new UsageError(`${command}: unknown service "${service}" (known: ${known.join(', ')})`);
  return service;
}
