import type { ActorId } from './actor';

/**
 * A message on its way: who sent it, to whom, when, and when it arrives.
 * `seq` numbers the sender's messages (all recipients); `fromRank` is the
 * sender's place in the world's fixed actor order. Deliveries at the same
 * time reach an actor in (fromRank, seq) order, whatever the order they
 * were produced or carried in.
 */
export interface Delivery<M> {
  readonly from: ActorId;
  readonly fromRank: number;
  readonly to: ActorId;
  readonly seq: number;
  readonly sentNs: number;
  readonly deliverNs: number;
  readonly lazy: boolean;
  readonly message: M;
}

/** The delivery order at one recipient: time, then sender rank, then the sender's sequence. */
export function deliversBefore<M>(a: Delivery<M>, b: Delivery<M>): boolean {
  if (a.deliverNs !== b.deliverNs) return a.deliverNs < b.deliverNs;
  if (a.fromRank !== b.fromRank) return a.fromRank < b.fromRank;
  return a.seq < b.seq;
}
