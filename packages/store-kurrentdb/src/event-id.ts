import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fixed namespace of the name-based ids; changing it would break idempotency of every stored event. */
export const EVENT_ID_NAMESPACE = '5a3e66f7-b152-4236-9a9b-cf87b7c46d66';

const format = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** A name-based UUID (RFC 9562 version 5): the first 16 bytes of SHA-1(namespace, name), version and variant set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  return format(hash.subarray(0, 16).toString('hex'));
}

/**
 * The UUID KurrentDB stores for one of our event ids. KurrentDB only takes UUIDs, ours are any
 * string: a UUID passes through (lower-cased, as KurrentDB returns it), anything else becomes a
 * version 5 UUID in a fixed namespace, so a redelivery maps to the same UUID. The original id
 * travels in the metadata, so reads give it back unchanged.
 */
export function toKurrentEventId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : uuidV5(id, EVENT_ID_NAMESPACE);
}
