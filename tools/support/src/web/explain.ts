/**
 * Why something failed and what to do, in plain words, for the failures support is asked about. Producers
 * that write their own support text (ApplicationReadFailed's detail and action) are shown as written.
 */
export interface Explanation {
  what: string;
  todo: string;
}

const INVITE_BLOCKED: Record<string, Explanation> = {
  no_contact: {
    what: 'The applicant has no email address and no mobile phone number in Entrata, so no invite could be sent.',
    todo: 'Ask the property to add an email address or mobile number in Entrata, then re-send the invite.',
  },
  invalid_contact: {
    what: 'The email address or phone number in Entrata is not valid, so no invite could be sent.',
    todo: 'Ask the property to correct the contact details in Entrata, then re-send the invite.',
  },
  platform_rejected: {
    what: 'The verification platform refused to create the verification for this applicant.',
    todo: 'Check the platform for the applicant; once fixed, replay the application to the invite service.',
  },
  rent_unknown: {
    what: 'Neither Entrata nor the property setting gives the monthly rent the platform requires.',
    todo: 'Ask the property to enter the rent in Entrata (or set the property default), then replay the application.',
  },
  platform_ids_unavailable: {
    what: 'The platform ids for the property or applicant could not be obtained.',
    todo: 'Check the tenant health page and the platform status; replay the application when it is available.',
  },
};

const NOTIFICATION_FAILED: Record<string, Explanation> = {
  opted_out: {
    what: 'The applicant opted out of this channel (unsubscribed or replied STOP); nothing is sent to them on it.',
    todo: 'Only the applicant can opt back in. Re-send on the other channel, or ask the property to reach them.',
  },
  invalid_recipient: {
    what: 'The address or number was refused as not deliverable.',
    todo: 'Ask the property to correct the contact details in Entrata, then re-send the invite.',
  },
  bounced: {
    what: 'The message bounced: the mailbox does not exist or refused it.',
    todo: 'Confirm the address with the applicant via the property, then re-send on email or use SMS.',
  },
  undelivered: {
    what: 'The carrier or mail server reported that the message was not delivered.',
    todo: 'Re-send the invite; if it fails again, use the other channel.',
  },
  retries_exhausted: {
    what: 'Sending kept failing (provider unavailable) until the retries ran out.',
    todo: 'Check the provider status, then re-send the invite.',
  },
};

export function explain(type: string, payload: Record<string, unknown>): Explanation | null {
  const reason = typeof payload.reason === 'string' ? payload.reason : '';
  switch (type) {
    case 'ApplicationReadFailed':
      return {
        what:
          typeof payload.detail === 'string'
            ? payload.detail
            : 'The application could not be read from Entrata.',
        todo: typeof payload.action === 'string' ? payload.action : 'Check the tenant health page.',
      };
    case 'InviteBlocked':
      return (
        INVITE_BLOCKED[reason] ?? { what: `The invite was blocked (${reason}).`, todo: 'See the runbook.' }
      );
    case 'NotificationFailed':
      return (
        NOTIFICATION_FAILED[reason] ?? {
          what: `The message failed (${reason}).`,
          todo: 'Re-send the invite.',
        }
      );
    case 'ReportSyncFailed':
      return {
        what: 'The report could not be uploaded to Entrata after all attempts.',
        todo: 'Retry the upload from the report list below once Entrata is reachable.',
      };
    case 'PlatformWebhookUnmapped':
      return {
        what: 'A platform webhook could not be matched to this application or applicant.',
        todo: 'Check the applicant group on the platform; the report may need to be synced by hand.',
      };
    default:
      return null;
  }
}
