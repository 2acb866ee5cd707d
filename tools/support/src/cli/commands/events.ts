// The commands that read or re-send events: timeline, replay, replays, audit.
import type { Command as Program } from 'commander';
import {
  applicationRefOf,
  type Command,
  type Emit,
  isoTime,
  json,
  type Opts,
  positiveInt,
  reason,
  reasonOf,
  UsageError,
} from '../args.ts';

export function eventCommands(root: Program, emit: Emit): void {
  root
    .command('timeline')
    .description('every event of one application, oldest first (personal data masked)')
    .argument('<applicationId>', 'our application id (uuid) or entrata:<tenant>:<entrataApplicationId>')
    .option('--unmask', 'show personal data (needs pii:read and --reason; audited)')
    .option('--reason <why>', 'with --unmask: why you need the personal data (recorded)')
    .addOption(json())
    .action((id: string, o: Opts) => {
      const unmask = o.unmask === true;
      if (!unmask && o.reason !== undefined)
        throw new UsageError('timeline: --reason goes with --unmask (a masked read needs no reason)');
      emit({
        name: 'timeline',
        id: applicationRefOf('timeline', id),
        unmask,
        ...(unmask ? { reason: reasonOf('timeline --unmask', o.reason as string | undefined) } : {}),
        json: o.json === true,
      });
    });

  root
    .command('replay')
    .description("re-publish an application's events, or a tenant's in a time range (same event ids)")
    .option('--application <id>', 'our application id or entrata:<tenant>:<id>')
    .option('--tenant <tenant>', 'a tenant, with --from and --to')
    .option('--from <iso time>', 'start of the range, e.g. 2026-11-24T00:00:00Z')
    .option('--to <iso time>', 'end of the range (exclusive)')
    .option('--to-consumer <service>', 'only this consumer processes the replay')
    .option('--dry-run', 'show what would be sent; send nothing (recorded)')
    .addOption(reason())
    .addOption(json())
    .action((o: Opts) => emit(replayCommand(o)));

  root
    .command('replays')
    .description('the latest replays (dry runs too)')
    .option('--limit <n>', 'how many (1-1000, default 20)')
    .addOption(json())
    .action((o: Opts) =>
      emit({
        name: 'replays',
        limit: positiveInt('replays', '--limit', o.limit as string | undefined, 20),
        json: o.json === true,
      }),
    );

  root
    .command('audit')
    .description('the latest audited calls: who, when, what, why')
    .option('--limit <n>', 'how many (1-1000, default 20)')
    .option('--action <action>', 'only one kind, e.g. timeline.unmask (every unmasked read)')
    .addOption(json())
    .action((o: Opts) => {
      const action = o.action as string | undefined;
      if (action !== undefined && !/^[a-z][a-z.-]{1,60}$/.test(action))
        throw new UsageError(`audit: --action is an action name such as timeline.unmask (got "${action}")`);
      emit({
        name: 'audit',
        limit: positiveInt('audit', '--limit', o.limit as string | undefined, 20),
        ...(action ? { action } : {}),
        json: o.json === true,
      });
    });
}

function replayCommand(o: Opts): Command {
  const application = o.application as string | undefined;
  const tenant = o.tenant as string | undefined;
  if (application !== undefined && tenant !== undefined)
    throw new UsageError('replay: give either --application or --tenant with --from/--to, not both');
  let scope: Extract<Command, { name: 'replay' }>['scope'];
  if (application !== undefined) {
    if (o.from !== undefined || o.to !== undefined)
      throw new UsageError('replay: --from/--to go with --tenant; --application replays all of its events');
    scope = { applicationId: applicationRefOf('replay', application) };
  } else if (tenant !== undefined) {
    const from = isoTime('replay', '--from', o.from as string | undefined);
    const to = isoTime('replay', '--to', o.to as string | undefined);
    if (Date.parse(from) >= Date.parse(to)) throw new UsageError('replay: --from must be before --to');
    scope = { tenantId: tenant, from, to };
  } else
    throw new UsageError(
      'replay: say what to replay: --application <id>, or --tenant <t> --from <iso> --to <iso>',
    );
  const target = o['toConsumer'] as string | undefined;
  return {
    name: 'replay',
    scope,
    ...(target !== undefined ? { target } : {}),
    dryRun: o.dryRun === true,
    reason: reasonOf('replay', o.reason as string | undefined),
    json: o.json === true,
  };
}
