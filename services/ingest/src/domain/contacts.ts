import { IsEmail } from 'typebox/format';

export type ContactCheck<T> = { ok: true; value: T } | { ok: false; problem: 'missing' | 'invalid' };

/**
 * Trims, lower-cases the domain (the local part is case-sensitive in theory, so it is kept) and checks
 * the syntax the event contract checks, plus a dot in the domain: `ada@localhost` is valid RFC 5322 but
 * no applicant's mailbox.
 */
export function normaliseEmail(raw: string | undefined): ContactCheck<string> {
  const text = raw?.trim() ?? '';
  if (text === '') return { ok: false, problem: 'missing' };
  const at = text.lastIndexOf('@');
  if (at <= 0) return { ok: false, problem: 'invalid' };
  const email = `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
  const domain = email.slice(at + 1);
  if (email.length > 254 || !domain.includes('.') || domain.endsWith('.') || !IsEmail(email)) {
    return { ok: false, problem: 'invalid' };
  }
  return { ok: true, value: email };
}

/**
 * US numbers only (every property is in the US): 10 digits -> +1XXXXXXXXXX, 11 digits starting with 1 ->
 * +1XXXXXXXXXX, with the usual punctuation and an optional leading +. Area code and exchange must not start
 * with 0 or 1 (NANP), which catches most typos. Everything else is invalid, never guessed.
 */
export function normaliseUsPhone(raw: string | undefined): ContactCheck<string> {
  const text = raw?.trim() ?? '';
  if (text === '') return { ok: false, problem: 'missing' };
  if (!/^\+?[\d\s().-]+$/.test(text)) return { ok: false, problem: 'invalid' };
  const digits = text.replace(/\D/g, '');
  const national =
    digits.length === 10
      ? digits
      : digits.length === 11 && digits.startsWith('1')
        ? digits.slice(1)
        : undefined;
  if (!national || !/^[2-9]\d{2}[2-9]\d{6}$/.test(national)) return { ok: false, problem: 'invalid' };
  // A "+" must introduce the country code 1, not a national number.
  if (text.startsWith('+') && digits.length !== 11) return { ok: false, problem: 'invalid' };
  return { ok: true, value: `+1${national}` };
}

/** The mobile number to text: the cell number, else the personal one; the first usable wins. */
export function pickMobilePhone(
  cell: string | undefined,
  personal: string | undefined,
): ContactCheck<string> {
  const candidates = [cell, personal].filter((p): p is string => p !== undefined && p.trim() !== '');
  if (candidates.length === 0) return { ok: false, problem: 'missing' };
  for (const candidate of candidates) {
    const checked = normaliseUsPhone(candidate);
    if (checked.ok) return checked;
  }
  return { ok: false, problem: 'invalid' };
}
