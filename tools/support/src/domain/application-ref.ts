import { applicationIdFor } from '@autoverify/contracts';

export type ApplicationRef =
  | { kind: 'ours'; applicationId: string }
  | { kind: 'entrata'; applicationId: string; tenantId: string; entrataApplicationId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class BadApplicationRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadApplicationRefError';
  }
}

/**
 * Our application id (a uuid) or Entrata's as `entrata:<tenant>:<entrataApplicationId>`. Entrata's ids are
 * only unique per customer, hence the tenant; our id is derived from both (applicationIdFor).
 */
export function parseApplicationRef(text: string): ApplicationRef {
  const value = text.trim();
  if (UUID.test(value)) return { kind: 'ours', applicationId: value.toLowerCase() };
  if (value.startsWith('entrata:')) {
    const [, tenantId = '', ...rest] = value.split(':');
    const entrataApplicationId = rest.join(':');
    if (!TENANT.test(tenantId))
      throw new BadApplicationRefError(`"${tenantId}" is not a tenant id (lower-case letters, digits, -)`);
    if (entrataApplicationId === '' || entrataApplicationId.length > 128)
      throw new BadApplicationRefError(
        'the Entrata application id after entrata:<tenant>: is missing or too long',
      );
    return {
      kind: 'entrata',
      tenantId,
      entrataApplicationId,
      applicationId: applicationIdFor(tenantId, entrataApplicationId),
    };
  }
  throw new BadApplicationRefError(
    `"${value.slice(0, 80)}" is neither our application id (a uuid) nor entrata:<tenant>:<entrataApplicationId>`,
  );
}
