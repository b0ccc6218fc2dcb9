import { describe, expect, it } from 'vitest';
import { recycleBuffer, takeFilledBuffer, takeZeroedBuffer } from './page-array-pool';

describe('page array pool', () => {
  it('a recycled buffer comes back with its old contents gone: zeros, or the asked fill then zeros', () => {
    const bytes = 256 * 1024;
    const first = takeZeroedBuffer(bytes);
    new Uint8Array(first).fill(7);
    recycleBuffer(first);
    const again = takeFilledBuffer(bytes, 1, bytes - 100);
    expect(again).toBe(first);
    const view = new Uint8Array(again);
    expect(view.subarray(0, bytes - 100).every((b) => b === 1)).toBe(true);
    expect(view.subarray(bytes - 100).every((b) => b === 0)).toBe(true);
    recycleBuffer(again);
    const zeroed = takeZeroedBuffer(bytes - 4096);
    expect(zeroed).toBe(first);
    expect(new Uint8Array(zeroed, 0, bytes - 4096).every((b) => b === 0)).toBe(true);
  });

  it('hands out a buffer at most once, and never one too small', () => {
    const bytes = 128 * 1024;
    const buffer = takeZeroedBuffer(bytes);
    recycleBuffer(buffer);
    recycleBuffer(buffer);
    expect(takeZeroedBuffer(2 * bytes)).not.toBe(buffer);
    expect(takeZeroedBuffer(bytes)).toBe(buffer);
    expect(takeZeroedBuffer(bytes)).not.toBe(buffer);
  });
});
