import type { MigrationParametersInput } from './params';
import type { SwitchoverVerification } from './switchover-check';

/**
 * What can go wrong outside the machine. A link going down (rate 0) is not a
 * fault: it stalls the stream, and the management layer's timeouts decide.
 * - `connection-lost`: the migration channel errored (reset, keepalive timeout).
 * - `destination-crash`: the destination host or its QEMU died.
 * - `source-error`: the source QEMU hit an error while migrating (I/O, OOM).
 */
export type MigrationFaultKind = 'connection-lost' | 'destination-crash' | 'source-error';

export interface MigrationFault {
  kind: MigrationFaultKind;
  /** Shown in `error-desc`. */
  reason?: string;
}

/**
 * Everything a driver feeds a migration machine. Every event carries the
 * driver's time (`atNs`, never decreasing); the machine has no clock.
 */
export type MigrationEvent =
  /** Start (QMP `migrate`). `linkBytesPerSec` is the path's rate now (CloudSim's fixed delay needs it). */
  | { type: 'start'; atNs: number; linkBytesPerSec?: number }
  /** Time advanced; the machine may send, sync or switch over. */
  | { type: 'tick'; atNs: number }
  /** The link carried `bytes` more of what the machine sent (FIFO over its batches). */
  | { type: 'bytes-delivered'; atNs: number; bytes: number }
  /** The path's rate or latency changed (informational: pacing is the link's job). */
  | { type: 'link-changed'; atNs: number; bytesPerSec: number; rttNs?: number }
  /** QMP `migrate_cancel`. Refused once post-copy has started, as QEMU does. */
  | { type: 'cancel'; atNs: number }
  | { type: 'fault'; atNs: number; fault: MigrationFault }
  /** QMP `migrate-start-postcopy` (needs the `postcopy-ram` capability). */
  | { type: 'start-postcopy'; atNs: number }
  /** Post-copy remote faults: the destination asks for these pages now. */
  | { type: 'page-request'; atNs: number; gfns: number[] }
  /** The destination applied everything, checked memory and runs the VM. */
  | { type: 'destination-resumed'; atNs: number; verification: SwitchoverVerification }
  /** Post-copy: the destination received the last page and checked memory. */
  | { type: 'destination-complete'; atNs: number; verification: SwitchoverVerification }
  /** Management recovered a paused post-copy (`migrate-recover` + `migrate resume=true`). */
  | { type: 'postcopy-recover'; atNs: number }
  /** QMP `migrate-set-parameters` while running (`downtime-limit`, `max-bandwidth`, `max-postcopy-bandwidth`). */
  | { type: 'set-parameters'; atNs: number; params: Pick<MigrationParametersInput, 'downtime-limit' | 'max-bandwidth' | 'max-postcopy-bandwidth'> };

export type MigrationEventType = MigrationEvent['type'];
