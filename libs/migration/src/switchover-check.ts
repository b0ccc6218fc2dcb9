/**
 * What the source tells the destination at switchover so the destination
 * can check it holds the source's memory: how many stream messages precede
 * the command (all must be applied first) and a
 * digest of the source's page versions (see page-version.ts).
 *
 * - `precopy`: every page must be present and equal.
 * - `postcopy-start`: pages still dirty on the source count as absent (the
 *   destination discarded or never got them); all others must be equal.
 * - `postcopy-end`: every page must be present and equal to the source's
 *   copy at the switch (writes the guest made on the destination do not
 *   change the received versions).
 * - `fluid`: the peer models carry no page identity; nothing to check.
 */
export interface SwitchoverCheck {
  migrationId: string;
  mode: 'precopy' | 'postcopy-start' | 'postcopy-end' | 'fluid';
  /** Stream messages the destination must have applied first (messages lost with a failed channel excluded). */
  precedingBatchCount: number;
  versionsDigest: number | null;
  /** Pages the source still owes the destination (post-copy start), else 0. */
  absentPageCount: number;
}

export interface SwitchoverVerification {
  /** true: memory matches; false: it does not (a lost or corrupted page); null: not checked (fluid model). */
  verified: boolean | null;
  mode: SwitchoverCheck['mode'];
  sourceDigest: number | null;
  destinationDigest: number | null;
  /** Pages absent on the destination when it checked. */
  absentPageCount: number;
  detail?: string;
}
