import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import type { EventKeyring, TenantKeys } from '@autoverify/config';

/**
 * Envelope encryption of one event: a fresh data key per message seals the bytes (AES-256-GCM), the
 * tenant's current key wraps the data key (AES-256-GCM). The `encryption-key` header names the wrapping
 * key as `<tenant>/<key id>` (`*` for the keyring's default) and is authenticated with both, so a header
 * pointing at another tenant's key fails. A keyring could move into a KMS without changing the format.
 *
 * Value layout (version 1): 0x01 | wrap iv (12) | wrapped data key (32) | wrap tag (16) | iv (12) | tag (16) | ciphertext
 */

export const ENCRYPTION_HEADER = 'encryption-key';
const FORMAT = 1;
const IV = 12;
const TAG = 16;
const KEY = 32;
const HEAD = 1 + IV + KEY + TAG + IV + TAG;
const DEFAULT_TENANT = '*';

/** The message cannot be opened: forged, altered, sealed with an unknown key, or not sealed at all. */
export class EventSealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventSealError';
  }
}

/** Seals an event's bytes with its tenant's current key; returns the value and the header to send. */
export function sealEvent(keyring: EventKeyring, plain: Buffer): { value: Buffer; keyRef: string } {
  const tenantId = tenantOf(plain);
  if (tenantId === undefined) throw new EventSealError('cannot seal: the message is not an event envelope');
  const { owner, keys } = keysOf(keyring, tenantId);
  if (!keys) throw new EventSealError(`cannot seal: no key for tenant "${tenantId}" in the keyring`);
  const keyRef = `${owner}/${keys.current}`;
  const aad = Buffer.from(keyRef, 'utf8');
  const dataKey = randomBytes(KEY);
  const wrap = gcm(keys.keys.get(keys.current) as Buffer, aad, dataKey);
  const body = gcm(dataKey, aad, plain);
  return {
    value: Buffer.concat([
      Buffer.of(FORMAT),
      wrap.iv,
      wrap.ciphertext,
      wrap.tag,
      body.iv,
      body.tag,
      body.ciphertext,
    ]),
    keyRef,
  };
}

/**
 * Opens a sealed event and checks that it belongs to the tenant whose key sealed it. Throws EventSealError
 * (the consumer dead-letters the message) for anything that does not authenticate.
 */
export function openEvent(keyring: EventKeyring, sealed: Buffer, keyRef: string): Buffer {
  const [owner = '', keyId = ''] = keyRef.split('/');
  const keys = owner === DEFAULT_TENANT ? keyring.default : keyring.tenants.get(owner);
  const key = keys?.keys.get(keyId);
  if (!key) throw new EventSealError(`sealed with key "${keyRef}", which is not in the keyring`);
  if (sealed.length < HEAD || sealed[0] !== FORMAT)
    throw new EventSealError('not a sealed event (unknown format)');
  const aad = Buffer.from(keyRef, 'utf8');
  const at = (start: number, length: number) => sealed.subarray(start, start + length);
  const wrapIv = at(1, IV);
  const wrapped = at(1 + IV, KEY);
  const wrapTag = at(1 + IV + KEY, TAG);
  const iv = at(1 + IV + KEY + TAG, IV);
  const tag = at(1 + IV + KEY + TAG + IV, TAG);
  let plain: Buffer;
  try {
    const dataKey = ungcm(key, aad, wrapIv, wrapped, wrapTag);
    plain = ungcm(dataKey, aad, iv, sealed.subarray(HEAD), tag);
  } catch {
    throw new EventSealError(`authentication failed with key "${keyRef}": forged or altered`);
  }
  const tenantId = tenantOf(plain);
  // A tenant's events are sealed with its own keys only (the default's only if it has none).
  if (tenantId === undefined || keysOf(keyring, tenantId).owner !== owner)
    throw new EventSealError(`event of tenant "${tenantId}" sealed with key "${keyRef}" of another tenant`);
  return plain;
}

/** The keys that seal a tenant's events: its own, else the default (owner `*`). */
function keysOf(keyring: EventKeyring, tenantId: string): { owner: string; keys?: TenantKeys } {
  const own = keyring.tenants.get(tenantId);
  if (own) return { owner: tenantId, keys: own };
  return { owner: DEFAULT_TENANT, ...(keyring.default ? { keys: keyring.default } : {}) };
}

function tenantOf(plain: Buffer): string | undefined {
  try {
    const envelope = JSON.parse(plain.toString('utf8')) as { tenantId?: unknown };
    return typeof envelope?.tenantId === 'string' ? envelope.tenantId : undefined;
  } catch {
    return undefined;
  }
}

// The key goes in as a KeyObject: given a Buffer, Node's cipher constructors first test it for a KeyObject and
// a CryptoKey, and those failed tests cost about three times the whole decryption of an event (measured on
// Node 24: ~400 us per cipher against ~100 us; two ciphers per event sealed or opened, e2e/bench/README.md).
function gcm(key: Buffer, aad: Buffer, plain: Buffer) {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', createSecretKey(key), iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function ungcm(key: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', createSecretKey(key), iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
