/**
 * Reuse of the per-page arrays of migrations that ended (page versions,
 * written bits, migration bitmaps and destination page stores in
 * libs/migration, KVM dirty bitmaps here). A 16 GiB VM's
 * arrays are megabytes each; a fresh allocation costs the host one page
 * fault per 4 KiB on first touch and keeps the garbage collector busy with
 * external memory, while a recycled buffer is only cleared. Contents never
 * carry over: buffers are handed out cleared (or filled), except to an owner
 * that clears each part itself before reading it (`takeUnclearedBuffer`).
 *
 * A buffer is given back only by its owner's `release()`/`drop()`, after
 * which the owner no longer reads it.
 */
const POOL_BYTES_MAX = 320 * 2 ** 20;
/** Below this, allocation is cheap and pooling is not worth the bookkeeping. */
const POOL_BYTES_MIN = 64 * 1024;

const freeBySize = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;

/**
 * A buffer of at least `byteLength` bytes whose first `fillLength` bytes are
 * `fill` and the rest up to `byteLength` zero: a recycled one up to twice as
 * large when one is free (callers make their views with an explicit length),
 * else a new one. One pass over the memory either way.
 */
export function takeFilledBuffer(byteLength: number, fill = 0, fillLength = byteLength): ArrayBuffer {
  let buffer = takeRecycled(byteLength);
  if (buffer === undefined) {
    buffer = new ArrayBuffer(byteLength);
    if (fill !== 0) new Uint8Array(buffer).fill(fill, 0, fillLength);
    return buffer;
  }
  const bytes = new Uint8Array(buffer, 0, byteLength);
  bytes.fill(fill, 0, fillLength);
  if (fillLength < byteLength) bytes.fill(0, fillLength);
  return buffer;
}

/**
 * A buffer of at least `byteLength` bytes with whatever a previous owner left
 * in it (zeros when new): for an owner that clears each part itself right
 * before first using it, while it is in the cache anyway.
 */
export function takeUnclearedBuffer(byteLength: number): ArrayBuffer {
  const buffer = takeRecycled(byteLength);
  return buffer ?? new ArrayBuffer(byteLength);
}

/** A buffer of at least `byteLength` bytes whose first `byteLength` bytes are zero (see `takeFilledBuffer`). */
export function takeZeroedBuffer(byteLength: number): ArrayBuffer {
  return takeFilledBuffer(byteLength);
}

/** The smallest free buffer of `byteLength` to twice that, taken out of the pool, or undefined. */
function takeRecycled(byteLength: number): ArrayBuffer | undefined {
  if (byteLength < POOL_BYTES_MIN) return undefined;
  let bestSize = Infinity;
  for (const [size, free] of freeBySize) {
    if (free.length > 0 && size >= byteLength && size <= byteLength * 2 && size < bestSize) bestSize = size;
  }
  const buffer = bestSize === Infinity ? undefined : freeBySize.get(bestSize)!.pop();
  if (buffer !== undefined) pooledBytes -= buffer.byteLength;
  return buffer;
}

/** Gives a buffer back for reuse (dropped when the pool is full). */
export function recycleBuffer(buffer: ArrayBufferLike): void {
  if (!(buffer instanceof ArrayBuffer)) return;
  const size = buffer.byteLength;
  if (size < POOL_BYTES_MIN || pooledBytes + size > POOL_BYTES_MAX) return;
  const free = freeBySize.get(size);
  if (free === undefined) freeBySize.set(size, [buffer]);
  else if (!free.includes(buffer)) free.push(buffer);
  else return;
  pooledBytes += size;
}
