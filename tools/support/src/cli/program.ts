// The CLI's commands on commander: per-command help (`support <command> --help`), `--version`, and every
// mistake as a UsageError naming the command. parseCommand only parses: cli.ts runs what it returns.
import { createRequire } from 'node:module';
import { CommanderError, Command as Program } from 'commander';
import { type Command, type Emit, UsageError } from './args.ts';
import { eventCommands } from './commands/events.ts';
import { privacyCommands } from './commands/privacy.ts';
import { repairCommands } from './commands/repairs.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const exitCodes = `Exit codes: 0 done; 1 the console refused or failed (or tenant check found a problem);
2 bad usage or configuration (nothing was sent).`;

const environment = `Environment: SUPPORT_URL (default http://127.0.0.1:3006), SUPPORT_TOKEN (your personal token).
tenant check runs locally instead: TENANTS_FILE, the tenant's secrets, PLATFORM_BASE_URL,
PLATFORM_CLIENT_ID, PLATFORM_SECRET_KEY (as the services have them).`;

function program(emit: Emit, out: (text: string) => void, err: (text: string) => void): Program {
  const root = new Program('support')
    .description(
      'Support console: timeline, replay, dead letters, deliberate re-runs, erasure, onboarding check.',
    )
    .version(`support ${version}`, '-V, --version')
    .addHelpText('after', `\n${environment}\n\n${exitCodes}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  eventCommands(root, emit);
  repairCommands(root, emit);
  privacyCommands(root, emit);
  return root;
}

// Commander's own messages start with "error: "; ours name the command the way a user typed it.
const GROUPS = new Set(['dead-letters', 'tenant', 'outbox']);
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
