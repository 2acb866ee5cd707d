// The commands that repair: dead letters, set-aside outbox rows, deliberate re-runs, the onboarding check.
import { serviceNames } from '@autoverify/contracts';
import type { Command as Program } from 'commander';
import {
  deadLetterAddress,
  type Emit,
  json,
  type Opts,
  positiveInt,
  reason,
  reasonOf,
  serviceOf,
  UsageError,
} from '../args.ts';

export function repairCommands(root: Program, emit: Emit): void {
  const deadLetters = root.command('dead-letters').description("a consumer's dead letters");
  deadLetters
    .command('list')
    .description('the latest dead letters of one consumer')
    .option('--consumer <service>', 'whose dead letters (required)')
    .option('--last <n>', 'how many (1-1000, default 50)')
    .addOption(json())
    .action((o: Opts) => {
      if (!o.consumer) throw new UsageError('dead-letters list: --consumer <service> is required');
      emit({
        name: 'dead-letters list',
        consumer: o.consumer as string,
        last: positiveInt('dead-letters list', '--last', o.last as string | undefined, 50),
        json: o.json === true,
      });
    });
  deadLetters
    .command('show')
    .description('one dead letter in full (personal data masked)')
    .argument('<consumer>')
    .argument('<partition>')
    .argument('<offset>')
    .addOption(json())
    .action((consumer: string, partition: string, offset: string, o: Opts) =>
      emit({
        name: 'dead-letters show',
        consumer,
        ...deadLetterAddress('dead-letters show', partition, offset),
        json: o.json === true,
      }),
    );
  deadLetters
    .command('redrive')
    .description('send a dead letter back to its topic for its consumer only; once, unless --force')
    .argument('<consumer>')
    .argument('<partition>')
    .argument('<offset>')
    .addOption(reason())
    .option('--force', 'redrive again a dead letter that was already redriven')
    .addOption(json())
    .action((consumer: string, partition: string, offset: string, o: Opts) =>
      emit({
        name: 'dead-letters redrive',
        consumer,
        ...deadLetterAddress('dead-letters redrive', partition, offset),
        reason: reasonOf('dead-letters redrive', o.reason as string | undefined),
        force: o.force === true,
        json: o.json === true,
      }),
    );

  for (const [name, description] of [
    ['retry-report', 'try again the upload of a report whose sync failed'],
    ['reupload-report', 'upload again a synced report whose document was deleted in Entrata'],
  ] as const)
    root
      .command(name)
      .description(description)
      .argument('<reportId>')
      .addOption(reason())
      .addOption(json())
      .action((reportId: string, o: Opts) =>
        emit({
          name,
          reportId,
          reason: reasonOf(name, o.reason as string | undefined),
          json: o.json === true,
        }),
      );

  root
    .command('resend-invite')
    .description('send an invitation again (deliberately; idempotent per invocation)')
    .argument('<applicationId>')
    .argument('<applicantId>')
    .argument('<kind>', 'income or identity')
    .option('--channel <channel>', 'only this channel: email or sms (repeatable)', collectChannel)
    .addOption(reason())
    .addOption(json())
    .action((applicationId: string, applicantId: string, kind: string, o: Opts) => {
      if (kind !== 'income' && kind !== 'identity')
        throw new UsageError(`resend-invite: kind must be income or identity (got "${kind}")`);
      const channels = o.channel as ('email' | 'sms')[] | undefined;
      // Repeats of one channel are one channel.
      emit({
        name: 'resend-invite',
        applicationId,
        applicantId,
        kind,
        ...(channels ? { channels: [...new Set(channels)] } : {}),
        reason: reasonOf('resend-invite', o.reason as string | undefined),
        json: o.json === true,
      });
    });

  const outbox = root
    .command('outbox')
    .description(
      "a service's outbox rows set aside as unpublishable (the events of their key wait behind them)",
    );
  outbox
    .command('list')
    .description('the set-aside rows of one service, oldest first')
    .argument('<service>', serviceNames.join(' | '))
    .option('--limit <n>', 'how many (1-1000, default 100)')
    .addOption(json())
    .action((service: string, o: Opts) =>
      emit({
        name: 'outbox list',
        service: serviceOf('outbox list', service, serviceNames),
        limit: positiveInt('outbox list', '--limit', o.limit as string | undefined, 100),
        json: o.json === true,
      }),
    );
  for (const [action, description] of [
    ['requeue', 'publish a set-aside row again, before the rows held behind it (after fixing the cause)'],
    ['discard', 'drop a set-aside row for good; the rows held behind it flow again'],
  ] as const)
    outbox
      .command(action)
      .description(description)
      .argument('<service>', serviceNames.join(' | '))
      .argument('<id>', 'the row id (outbox list)')
      .addOption(reason())
      .addOption(json())
      .action((service: string, id: string, o: Opts) => {
        const name = `outbox ${action}` as const;
        if (!/^[1-9]\d{0,18}$/.test(id)) throw new UsageError(`${name}: id must be a row id (got "${id}")`);
        emit({
          name,
          service: serviceOf(name, service, serviceNames),
          id,
          reason: reasonOf(name, o.reason as string | undefined),
          json: o.json === true,
        });
      });

  root
    .command('tenant')
    .description('onboarding')
    .command('check')
    .description('before going live: secrets, Entrata access, file types, rent, platform credentials')
    .argument('<tenant>')
    .addOption(json())
    .action((tenantId: string, o: Opts) => emit({ name: 'tenant check', tenantId, json: o.json === true }));
}

function collectChannel(value: string, previous: string[] | undefined): string[] {
  if (value !== 'email' && value !== 'sms')
    throw new UsageError(`resend-invite: --channel must be email or sms (got "${value}")`);
  return [...(previous ?? []), value];
}
