/**
 * The event id of a fact read from a sync record: the same dossier and change give the same id,
 * whichever record it was read from, so a record sent again stores nothing. Shaped as a UUIDv7
 * whose timestamp is the event's time, so that the store's id index grows in time order as it does
 * for publishers' ids; the other 74 bits are a hash of the dossier and the change.
 */

/** murmur3's 32-bit mix of a string, with a seed: cheap, and different seeds give independent lanes. */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex = (n: number, digits: number) =>
  (n >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(8 - digits);

/** `0190a2b3-c4d5-7xxx-yxxx-xxxxxxxxxxxx`: the instant's milliseconds, then a hash of `dossier` and `change`. */
export function syncEventId(dossierCode: string, change: string, instant: string): string {
  const text = `${dossierCode}|${change}`;
  const a = hash32(text, 0x9747b28c);
  const b = hash32(text, 0x5bd1e995);
  const c = hash32(text, 0x1b873593);
  const ms = Math.max(0, Date.parse(instant));
  const high = Math.floor(ms / 0x10000);
  const low = ms % 0x10000;
  return `${hex(high, 8)}-${hex(low, 4)}-7${hex(a, 3)}-${hex(0x8 | (b >>> 30), 1)}${hex(b, 3)}-${hex(c, 8)}${hex(a >>> 12, 4)}`;
}
