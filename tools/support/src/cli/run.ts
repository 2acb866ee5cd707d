import { randomUUID } from 'node:crypto';
import type { ConsumerSkips } from '../console/replay-skips.ts';
import type { Api } from './api.ts';
import type { Command } from './args.ts';
import { attemptsText, deadLetterLabel, skipsText, table, timelineText } from './format.ts';

const q = encodeURIComponent;

/** Runs one console command through the admin API; returns what to print. */
export async function run(
  command: Exclude<Command, { name: 'help' | 'tenant check' }>,
  api: Api,
): Promise<string> {
  const out = (body: unknown, text: () => string) => (command.json ? JSON.stringify(body, null, 2) : text());
  switch (command.name) {
    case 'timeline': {
      const body = (await api.get(
        `/admin/applications/${q(command.id)}/timeline${command.unmask ? `?unmask=true&reason=${q(command.reason ?? '')}` : ''}`,
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
        skips?: ConsumerSkips[];
      };
      return out(body, () =>
        [
          `${body.dryRun ? 'DRY RUN: would send' : 'Sent'} ${body.eventCount} events to ${body.target ?? 'every consumer'} (replay ${body.id}, recorded)`,
          '',
          table(
            ['time', 'event', 'event id', 'topic', 'application'],
            body.events.map((e) => [e.occurredAt, e.type, e.eventId, e.topic, e.applicationId]),
          ),
          ...(body.skips ? ['', skipsText(body.skips)] : []),
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
          redrivenFrom: { partition: number; offset: string } | null;
        }[];
      };
      return out(body, () =>
        body.deadLetters.length === 0
          ? `No dead letters for ${command.consumer}.`
          : table(
              [
                'partition/offset',
                'failed at',
                'event',
                'event id',
                'attempts',
                'redriven',
                'redrive of',
                'error',
              ],
              body.deadLetters.map((d) => [
                `${d.partition}/${d.offset}`,
                d.failedAt,
                d.eventType,
                d.eventId,
                attemptsText(d.attempts),
                d.redrives.length || '',
                d.redrivenFrom ? `${d.redrivenFrom.partition}/${d.redrivenFrom.offset}` : '',
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
      )) as {
        consumer: string;
        partition: number;
        offset: string;
        topic: string;
        eventType: string | null;
        eventId: string | null;
        number: number;
      };
      return out(
        body,
        () =>
          `Redriven to ${body.topic} for ${command.consumer} only: ${deadLetterLabel(body)} (redrive #${body.number}, recorded)`,
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
    case 'outbox list': {
      const body = (await api.get(`/admin/outbox/${q(command.service)}/failed?limit=${command.limit}`)) as {
        failed: {
          id: string;
          failedAt: string;
          eventType: string;
          eventId: string;
          topic: string;
          key: string;
          attempts: number;
          held: number;
          error: string;
        }[];
      };
      return out(body, () =>
        body.failed.length === 0
          ? `No set-aside outbox rows in ${command.service}.`
          : table(
              ['id', 'failed at', 'event', 'event id', 'topic', 'key', 'attempts', 'held', 'error'],
              body.failed.map((r) => [
                r.id,
                r.failedAt,
                r.eventType,
                r.eventId,
                r.topic,
                r.key,
                r.attempts,
                r.held || '',
                r.error.slice(0, 120),
              ]),
            ),
      );
    }
    case 'outbox requeue':
    case 'outbox discard': {
      const action = command.name === 'outbox requeue' ? 'requeue' : 'discard';
      const body = await api.post(`/admin/outbox/${q(command.service)}/failed/${q(command.id)}/${action}`, {
        reason: command.reason,
      });
      return out(body, () =>
        action === 'requeue'
          ? `${command.service} requeued outbox row ${command.id}: it is published next, then the rows held behind it (recorded)`
          : `${command.service} discarded outbox row ${command.id} for good; the rows held behind it flow again (recorded)`,
      );
    }
    case 'erase': {
      const body = (await api.post(`/admin/applicants/${q(command.applicantId)}/erase`, {
        tenantId: command.tenantId,
        applicationId: command.applicationId,
        reason: command.reason,
      })) as { requestId: string };
      return out(
        body,
        () =>
          `erasure requested (recorded): request ${body.requestId}\nsee the services' confirmations with: support erasures ${body.requestId}`,
      );
    }
    case 'erasures': {
      const body = (await api.get(`/admin/erasures/${q(command.requestId)}`)) as {
        request: { applicantId: string; requestedBy: string } | null;
        confirmed: { service: string; erased: Record<string, number> }[];
      };
      return out(body, () =>
        [
          body.request
            ? `request ${command.requestId}: applicant ${body.request.applicantId}, by ${body.request.requestedBy}`
            : `request ${command.requestId}: not seen on the erasure topic yet`,
          table(
            ['service', 'erased'],
            body.confirmed.map((c) => [
              c.service,
              Object.entries(c.erased)
                .map(([t, n]) => `${t}=${n}`)
                .join(' '),
            ]),
          ),
        ].join('\n'),
      );
    }
    case 'audit': {
      const action = command.action ? `&action=${q(command.action)}` : '';
      const body = (await api.get(`/admin/audit?limit=${command.limit}${action}`)) as {
        entries: {
          createdAt: string;
          actor: string;
          action: string;
          target: string;
          reason: string | null;
          detail: { operator?: string } | null;
        }[];
      };
      return out(body, () =>
        table(
          ['when', 'who', 'action', 'target', 'reason'],
          body.entries.map((e) => [
            e.createdAt,
            // The token's owner, and the OS user at the keyboard when the CLI said (unmasked reads).
            e.detail?.operator ? `${e.actor} (${e.detail.operator})` : e.actor,
            e.action,
            e.target,
            e.reason,
          ]),
        ),
      );
    }
  }
}
