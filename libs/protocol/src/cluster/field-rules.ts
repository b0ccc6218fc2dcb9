import { finite, integer } from './rules';

/**
 * Rules by meaning, so each message reads like its interface. Counts,
 * sequence numbers, gfns and digests are integers; times, rates and byte
 * quantities are finite numbers >= 0 (virtual time is not quantised, and the
 * fluid peer models send fractions of a byte).
 */
export const count = integer(0);
/** Attempts are numbered from 1 (the controller's `started + 1`). */
export const attemptNumber = integer(1);
/** Pre-copy rounds are numbered from 1. */
export const roundNumber = integer(1);
export const timeNs = finite(0);
export const timeMs = finite(0);
export const bytesPerSec = finite(0);
export const bytes = finite(0);
/** A 32-bit digest (page-version.ts `versionsDigest`). */
export const digest32 = integer(0, 0xffff_ffff);
