import type { DrawRng } from '../generate/draw-rng';
import type { Share } from '../schema/share-schema';
import type { Path } from '../schema/issues';
import { formatSize } from '../units/format-units';
import type { NormalizeContext } from './normalize-context';

/** A distribution as the document holds it (after unit parsing). */
export interface Distribution<T> {
  min?: T;
  max?: T;
  step?: T;
  choices?: T[];
}

export type Drawn<T> = T | Distribution<T>;
export type SizeOrShare = number | Share;

const PAGE_BYTES = 4096;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

export function isDistribution<T>(value: Drawn<T>): value is Distribution<T> {
  return typeof value === 'object' && value !== null && !('share' in value);
}

/**
 * Checks a distribution once, where it is written: `max` with `min`, min <=
 * max, a step that is positive; ends of one kind (sizes or percents).
 * Returns false (after reporting) when draws cannot be made from it.
 */
export function checkDistribution<T extends number | Share>(dist: Distribution<T>, path: Path, context: NormalizeContext): boolean {
  if (dist.choices !== undefined) return true;
  if (dist.min === undefined) return false;
  if (dist.max === undefined) {
    context.add([...path, 'max'], 'nothing', 'the largest value, written with min');
    return false;
  }
  if (typeof dist.min !== typeof dist.max) {
    context.add(path, 'a size and a percent', 'min and max of one kind: two sizes or two percents');
    return false;
  }
  if (magnitude(dist.max) < magnitude(dist.min)) {
    context.add([...path, 'max'], context.found([...path, 'max'], ''), 'at least min');
    return false;
  }
  if (dist.step !== undefined && typeof dist.step !== 'number') {
    context.add([...path, 'step'], context.found([...path, 'step'], ''), 'a size (steps apply to sizes)');
    return false;
  }
  return true;
}

function magnitude(value: number | Share): number {
  return typeof value === 'number' ? value : value.share;
}

/** One size in bytes from a fixed size, a share of `ofBytes` (whole pages, at least one) or a distribution. */
export function drawSize(value: Drawn<SizeOrShare>, ofBytes: number, rng: () => DrawRng): number {
  if (!isDistribution(value)) return resolveShare(value, ofBytes);
  if (value.choices !== undefined) return resolveShare(value.choices[rng().int(0, value.choices.length - 1)]!, ofBytes);
  const min = value.min!;
  const max = value.max!;
  if (typeof min === 'number' && typeof max === 'number') {
    const step = value.step !== undefined && typeof value.step === 'number' ? value.step : defaultSizeStep(min, max);
    return min + step * rng().int(0, Math.floor((max - min) / step));
  }
  const share = magnitude(min) + rng().next() * (magnitude(max) - magnitude(min));
  return resolveShare({ share }, ofBytes);
}

function resolveShare(value: SizeOrShare, ofBytes: number): number {
  if (typeof value === 'number') return value;
  return Math.max(PAGE_BYTES, Math.floor((value.share * ofBytes) / PAGE_BYTES) * PAGE_BYTES);
}

/** The largest of 1 GiB, 1 MiB and 4 KiB that divides both ends (else 1 byte). */
export function defaultSizeStep(min: number, max: number): number {
  for (const step of [GIB, MIB, PAGE_BYTES]) if (min % step === 0 && max % step === 0) return step;
  return 1;
}

/** A rate in whole bytes/s: fixed, one of the choices, or uniform between min and max. */
export function drawRate(value: Drawn<number>, rng: () => DrawRng): number {
  if (!isDistribution(value)) return value;
  if (value.choices !== undefined) return value.choices[rng().int(0, value.choices.length - 1)]!;
  return Math.round(value.min! + rng().next() * (value.max! - value.min!));
}

/** An integer: fixed, one of the choices, or uniform in [min, max]. */
export function drawInteger(value: Drawn<number>, rng: () => DrawRng): number {
  if (!isDistribution(value)) return value;
  if (value.choices !== undefined) return value.choices[rng().int(0, value.choices.length - 1)]!;
  return rng().int(value.min!, value.max!);
}

/** How a drawn value is quoted in a message: `12GiB (drawn for vm-7)`. */
export function drawnText(bytes: number, vm: string): string {
  return `${formatSize(bytes)} (drawn for ${vm})`;
}
