import { createHash } from 'node:crypto';

/**
 * Name-based UUID (RFC 9562 v5 layout, SHA-1). The same Entrata application or applicant always maps to
 * the same id, so re-submissions, reconciliation and replays converge on one record.
 */
export function stableUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('\u001f')).digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const applicationIdFor = (tenantId: string, entrataApplicationId: string): string =>
  stableUuid('application', tenantId, entrataApplicationId);

export const applicantIdFor = (
  tenantId: string,
  entrataApplicationId: string,
  entrataCustomerId: string,
): string => stableUuid('applicant', tenantId, entrataApplicationId, entrataCustomerId);
