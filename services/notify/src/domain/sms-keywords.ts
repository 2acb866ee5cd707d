/**
 * Carrier-mandated keywords of inbound SMS (US messaging rules; the same list Twilio handles itself).
 * Only the first word counts, so "Stop please" opts out too: erring towards opting out is the safe side.
 */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'CANCEL']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

export type KeywordAction = 'stop' | 'start' | 'help' | 'none';

export function parseKeyword(body: string): KeywordAction {
  const first = body.trim().split(/\s+/, 1)[0] ?? '';
  // Trailing punctuation ("STOP!", "stop.") is common on phones and must not defeat an opt-out.
  const word = first.replace(/[^\p{L}\p{N}]+$/u, '').toUpperCase();
  if (STOP_WORDS.has(word)) return 'stop';
  if (START_WORDS.has(word)) return 'start';
  if (HELP_WORDS.has(word)) return 'help';
  return 'none';
}
