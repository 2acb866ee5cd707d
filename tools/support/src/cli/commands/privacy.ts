// The data-subject commands: erase one applicant everywhere, and see which services confirmed it.
import type { Command as Program } from 'commander';
import { type Emit, json, type Opts, reason, reasonOf, UsageError, uuidOf } from '../args.ts';

export function privacyCommands(root: Program, emit: Emit): void {
  root
    .command('erase')
    .description("erase one applicant's personal data in every service (needs scope erase; recorded)")
    .argument('<applicationId>', 'our application id (uuid)')
    .argument('<applicantId>', 'our applicant id (uuid)')
    .option('--tenant <tenantId>', 'the customer the application belongs to (required)')
    .addOption(reason())
    .addOption(json())
    .action((applicationId: string, applicantId: string, o: Opts) => {
      if (typeof o.tenant !== 'string' || o.tenant.trim() === '')
        throw new UsageError('erase: --tenant <tenantId> is required');
      emit({
        name: 'erase',
        tenantId: o.tenant.trim(),
        applicationId: uuidOf('erase', 'applicationId', applicationId),
        applicantId: uuidOf('erase', 'applicantId', applicantId),
        reason: reasonOf('erase', o.reason as string | undefined),
        json: o.json === true,
      });
    });

  root
    .command('erasures')
    .description('an erasure request and the services that confirmed it, with what each erased')
    .argument('<requestId>', 'the request id `support erase` printed')
    .addOption(json())
    .action((requestId: string, o: Opts) =>
      emit({
        name: 'erasures',
        requestId: uuidOf('erasures', 'requestId', requestId),
        json: o.json === true,
      }),
    );
}
