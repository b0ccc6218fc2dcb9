import type { ActorId, ClusterMessage, Delivery, HostFacts, HostLive } from '@migsim/cluster';
import type { Envelope } from '@migsim/transport';

/** A delivery between two actors of one variant of a run. */
export interface MailItem {
  /** Index of the variant in the scenario. */
  variant: number;
  delivery: Delivery<ClusterMessage>;
}

/**
 * The window protocol's compact form of page data: one migration stream's
 * `stream.batch` deliveries of one window (one sender, one recipient, one
 * attempt), with what they share written once and each batch as a tuple.
 * `unpackPageStreams` (page-streams.ts) gives back deliveries equal to the
 * packed ones, field for field, each stream's in the order they were sent.
 */
export interface PageStreamV1 {
  readonly variant: number;
  readonly from: ActorId;
  readonly fromRank: number;
  readonly to: ActorId;
  /** The message's `attemptId`, which is also every batch's `migrationId`. */
  readonly attemptId: string;
  readonly batches: readonly PackedPageBatch[];
}

/**
 * One batch: the delivery's `seq`, `sentNs`, `deliverNs`, then the batch's
 * `seq`, `phase`, `syncCount`, `kind`, `ranges`, `versionRuns`,
 * `zeroPageCount`, `normalPageCount` and `wireBytes`.
 */
export type PackedPageBatch = readonly [number, number, number, number, string, number, string, readonly number[], readonly number[], number, number, number];

/** Which hosts one shard of a run serves. */
export interface ShardAssignment {
  id: string;
  hosts: string[];
}

/**
 * coordinator -> shard: a run begins. Everything a shard needs to build its
 * hosts' actors, deterministically: the scenario as the user wrote it, the
 * seed, and which hosts each shard serves.
 */
export interface RunStartV1 extends Envelope<'migsim.run-start', 1> {
  readonly run: string;
  readonly shard: string;
  readonly scenarioText: string;
  readonly scenarioFile: string;
  readonly seed: number;
  readonly shards: readonly ShardAssignment[];
}

/**
 * coordinator -> shard: run your actors' steps before `boundNs` (up to and
 * including it when `final`: the horizon), after taking in `mail` (every
 * message sent to your actors in the previous window), and stop sooner once
 * a message you sent out could have been answered. Each shard gets its own
 * bound: the earliest time anything from outside could reach it.
 */
export interface WindowOpenV1 extends Envelope<'migsim.window-open', 1> {
  readonly run: string;
  readonly shard: string;
  readonly window: number;
  readonly boundNs: number;
  readonly final: boolean;
  readonly mail: readonly MailItem[];
  /** The page data among that mail, packed by stream (`PageStreamV1`; absent: none). */
  readonly streams?: readonly PageStreamV1[];
  /** Whether the done report carries the hosts' live news (absent: it does). Never changes what is simulated. */
  readonly live?: boolean;
}

/** Messages a shard sent in a window, for one recipient (another shard, or `coordinator`). */
export interface MailBag {
  readonly to: string;
  readonly items: readonly MailItem[];
  /** The page data for that recipient, packed by stream (`PageStreamV1`; absent: none). */
  readonly streams?: readonly PageStreamV1[];
}

/**
 * shard -> coordinator: the window is done: every step before `reachedNs`
 * ran (past the horizon: the shard is through). `earliestOutputNs` bounds
 * when any of the shard's actors may next send a counted message (null:
 * never), counting the messages waiting in their inboxes; the coordinator
 * builds the next bounds from it and from the mail.
 */
export interface WindowDoneV1 extends Envelope<'migsim.window-done', 1> {
  readonly run: string;
  readonly shard: string;
  readonly window: number;
  readonly reachedNs: number;
  readonly earliestOutputNs: number | null;
  readonly steps: number;
  readonly sent: number;
  readonly mail: readonly MailBag[];
  /** For a live view (never read by the simulation): news since the last window of each host that has any (or whose up/down state changed), per variant. */
  readonly live: readonly { variant: number; hosts: HostLive[] }[];
}

/** coordinator -> shard: the horizon was reached; hand over your facts. */
export interface RunFinishV1 extends Envelope<'migsim.run-finish', 1> {
  readonly run: string;
  readonly shard: string;
}

/** shard -> coordinator: each host's facts at the horizon, per variant. */
export interface RunFactsV1 extends Envelope<'migsim.run-facts', 1> {
  readonly run: string;
  readonly shard: string;
  readonly facts: readonly { variant: number; hosts: HostFacts[] }[];
}

export type ShardInbound = RunStartV1 | WindowOpenV1 | RunFinishV1;
export type CoordinatorInbound = WindowDoneV1 | RunFactsV1;
export type RunMessage = ShardInbound | CoordinatorInbound;

/** The coordinator's mail address in `MailBag.to`. */
export const COORDINATOR = 'coordinator';
