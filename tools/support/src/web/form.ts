import { BadFormError } from './errors.ts';

export type Form = Record<string, string | string[] | undefined>;

/** One text field of a posted form, trimmed; '' when absent. */
export function field(body: unknown, name: string): string {
  const value = (body as Form | undefined)?.[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** Every value of a repeated field (checkboxes). */
export function fields(body: unknown, name: string): string[] {
  const value = (body as Form | undefined)?.[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The reason every audited action needs: the ticket or incident, 3 to 1000 characters. */
export function reasonOf(body: unknown): string {
  const reason = field(body, 'reason');
  if (reason.length < 3 || reason.length > 1000)
    throw new BadFormError(
      'Give a reason of 3 to 1000 characters (the ticket or incident): it goes into the audit log.',
    );
  return reason;
}
