/**
 * Redis Cluster's key -> slot mapping (cluster spec, "Keys distribution
 * model"): CRC16-CCITT (XMODEM) of the key, or of its hash tag — the bytes
 * between the first `{` and the next `}` when that span is non-empty — mod 16384.
 * Used to prove that every key of one migsim namespace lands in one slot.
 */
export const REDIS_CLUSTER_SLOTS = 16384;

const CRC16_TABLE = buildCrc16Table();

function buildCrc16Table(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  return crc;
}

/** The hash tag Redis Cluster would use for `key`, or undefined when the whole key is hashed. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

export function redisKeySlot(key: string): number {
  const hashed = hashTagOf(key) ?? key;
  return crc16(new TextEncoder().encode(hashed)) % REDIS_CLUSTER_SLOTS;
}
