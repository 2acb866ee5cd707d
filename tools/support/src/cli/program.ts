// The CLI's commands on commander: per-command help (`support <command> --help`), `--version`, and every
// mistake as a UsageError naming the command. parseCommand only parses: cli.ts runs what it returns.
import { createRequire } from 'node:module';
import { CommanderError, Option, Command as Program } from 'commander';
import {
  applicationRefOf,
  type Command,
  deadLetterAddress,
  isoTime,
  positiveInt,
  reasonOf,
  UsageError,
} from './args.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const exitCodes = `Exit codes: 0 done; 1 the console refused or failed (or tenant check found a problem);
2 bad usage or configuration (nothing was sent).`;

const environment = `Environment: SUPPORT_URL (default http://127.0.0.1:3006), SUPPORT_TOKEN (your personal token).
tenant check runs locally instead: TENANTS_FILE, the tenant's secrets, PLATFORM_BASE_URL,
PLATFORM_CLIENT_ID, PLATFORM_SECRET_KEY (as the services have them).`;

type Emit = (command: Command) => void;
type Opts = Record<string, string | boolean | string[] | undefined>;

const reason = () => new Option('--reason <why>', 'why: the ticket or incident (recorded)');
const json = () => new Option('--json', 'print the answer as JSON');

function program(emit: Emit, out: (text: string) => void, err: (text: string) => void): Program {
  const root = new Program('support')
    .description('Support console: timeline, replay, dead letters, deliberate re-runs, onboarding check.')
    .version(`support ${version}`, '-V, --version')
    .addHelpText('after', `\n${environment}\n\n${exitCodes}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });

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

  root
    .command('tenant')
    .description('onboarding')
    .command('check')
    .description('before going live: secrets, Entrata access, file types, rent, platform credentials')
    .argument('<tenant>')
    .addOption(json())
    .action((tenantId: string, o: Opts) => emit({ name: 'tenant check', tenantId, json: o.json === true }));

  return root;
}

function collectChannel(value: string, previous: string[] | undefined): string[] {
  if (value !== 'email' && value !== 'sms')
    throw new UsageError(`resend-invite: --channel must be email or sms (got "${value}")`);
  return [...(previous ?? []), value];
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

// Commander's own messages start with "error: "; ours name the command the way a user typed it.
const GROUPS = new Set(['dead-letters', 'tenant']);
function commandPath(argv: readonly string[]): string | undefined {
  const [first, second] = argv;
  if (!first || first.startsWith('-')) return undefined;
  return GROUPS.has(first) && second && !second.startsWith('-') ? `${first} ${second}` : first;
}

/** The command named by argv (without node and the script), help or version text, or a UsageError. */
export function parseCommand(argv: readonly string[]): Command {
  let text = '';
  let errorText = '';
  let parsed: Command | undefined;
  const root = program(
    (command) => {
      parsed = command;
    },
    (chunk) => {
      text += chunk;
    },
    (chunk) => {
      errorText += chunk;
    },
  );
  if (argv.length === 0) return { name: 'help', text: root.helpInformation() };
  try {
    root.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { name: 'help', text };
    // A group without its subcommand (`support dead-letters`): commander wrote the group's help.
    if (error.code === 'commander.help')
      throw new UsageError(`${argv[0]}: which one?\n\n${errorText.trim()}`);
    const message = error.message.replace(/^error: /, '');
    if (error.code === 'commander.unknownCommand')
      throw new UsageError(GROUPS.has(argv[0] ?? '') ? `${argv[0]}: ${message}` : message);
    const where = commandPath(argv);
    throw new UsageError(where ? `${where}: ${message}` : message);
  }
  if (!parsed) throw new UsageError('no command given');
  return parsed;
}
