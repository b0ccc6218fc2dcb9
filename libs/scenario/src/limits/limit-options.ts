import { QEMU_PARAMETER_RANGES } from '@migsim/migration';
import { SCENARIO_LIMITS } from './scenario-limits';

/** The link minimum as the rate schema takes it (limits.spec.ts checks that `written` parses to the limit). */
export const LINK_RATE_MIN = {
  bytesPerSec: SCENARIO_LIMITS.minLinkBytesPerSec,
  written: '1Mbps',
  why: 'below it the 4 MiB socket buffer QEMU writes into holds over 30 s of traffic; use link-down for a link that carries nothing',
} as const;

/** The link maximum as the rate schema takes it (limits.spec.ts checks that `written` parses to the limit). */
export const LINK_RATE_MAX = {
  bytesPerSec: SCENARIO_LIMITS.maxLinkBytesPerSec,
  written: '10Tbps',
  why: 'a 4 KiB page must take a few nanoseconds on the wire: the migrations are stepped on a nanosecond clock',
} as const;

/** A NIC's range (hosts, the migration network, bandwidth drops): 1 Mbps to 10 Tbps. */
export const LINK_RATE = { min: LINK_RATE_MIN, max: LINK_RATE_MAX } as const;

/** QEMU's smallest max-bandwidth (a whole number of bytes per second; 0 is unlimited) as the rate schema takes it. */
export const MAX_BANDWIDTH_MIN = {
  bytesPerSec: QEMU_PARAMETER_RANGES['max-bandwidth'].min,
  written: '1B/s',
  why: "QEMU's max-bandwidth counts whole bytes per second; 0 means unlimited",
} as const;

/** QEMU's downtime-limit maximum as the duration schema takes it. */
export const DOWNTIME_LIMIT_MAX = { ns: SCENARIO_LIMITS.downtimeLimitMaxNs, why: "QEMU's downtime-limit range is 0 to 2000 s" } as const;
