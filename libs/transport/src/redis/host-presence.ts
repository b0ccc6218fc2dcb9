import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { hashTagPrefix } from '../naming/queue-layout';

export interface HostPresenceOptions {
  url: string;
  namespace: string;
  /** The names (shards) this process serves; with `claim`, the pool it takes one name from. */
  hosts: readonly string[];
  /**
   * Claim one free name of `hosts` instead of all of them: replicas of one
   * service get the same environment, and each must serve a name of its own.
   * Without it the process leases every name (waiting for each to be free):
   * a name is served by one process at a time either way.
   */
  claim: boolean;
  /** How often the lease is renewed (or, without a claim, Redis is pinged): the heartbeat period. */
  periodMs: number;
  /** How long a lease lives without renewal. A replica that could not renew for this long has lost its host. */
  leaseMs: number;
  /** Touched after every successful round trip to Redis, for a container health check (null: none). */
  healthFile: string | null;
  /** Called once when the claimed host is lost; the process must stop serving it. */
  onLost: (host: string, reason: string) => void;
  log: (line: string) => void;
}

/**
 * PEXPIRE while the lease is ours (1); a lease that lapsed with no one else
 * taking the host is taken back (2) — this process never stopped serving it
 * and no other one started; in another owner's hands it is lost (0).
 */
const RENEW = `local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if owner == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A host worker's presence in Redis: its leases on the shards it serves.
 * With a claim it holds a lease on one name of its pool —
 * `SET {migsim:<ns>}:shard-claim:<name> <owner> NX PX` on the first free
 * name, in pool order, so one replica takes the first name — renews it every
 * period and releases it on shutdown; a lease it could not renew in time, or
 * found in another owner's hands, is lost and `onLost` fires. Each period's
 * successful round trip (renewal or PING) touches the health file, so a
 * container whose process hangs or cannot reach Redis turns unhealthy.
 */
export class HostPresence {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly redis: Redis;
  private readonly prefix: string;
  private timer: NodeJS.Timeout | undefined;
  private claimed: string[] = [];
  private lastRenewedMs = 0;
  private failedRenewals = 0;
  private lost = false;
  private stopped = false;
  private beating = false;

  private constructor(private readonly options: HostPresenceOptions) {
    this.prefix = hashTagPrefix(options.namespace);
    this.redis = new Redis(options.url, {
      maxRetriesPerRequest: 1,
      commandTimeout: Math.max(options.periodMs, 1_000),
      retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    });
    // A failed round trip reaches the loop through the rejected command.
    this.redis.on('error', () => {});
  }

  /** Leases its names (one of the pool with `claim`, waiting while every one is held; else all, waiting for each), then keeps the leases up. */
  static async start(options: HostPresenceOptions): Promise<HostPresence> {
    const presence = new HostPresence(options);
    if (options.claim) await presence.claimOne();
    else await presence.claimAll();
    await presence.beat();
    presence.timer = setInterval(() => void presence.beat(), options.periodMs);
    return presence;
  }

  /** The names this process serves (all leased). */
  get hosts(): readonly string[] {
    return this.claimed;
  }

  /** Stops renewing, releases the lease if it is still ours, closes the connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (!this.lost) {
      for (const name of this.claimed) {
        await this.redis.eval(RELEASE, 1, this.key(name), this.owner).catch(() => undefined);
        this.options.log(`released ${name}`);
      }
    }
    this.redis.disconnect();
  }

  /** Nest calls this on shutdown when the presence is one of a module's providers. */
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async claimOne(): Promise<void> {
    let waiting = false;
    for (;;) {
      for (const host of this.options.hosts) {
        const answer = await this.redis.set(this.key(host), this.owner, 'PX', this.options.leaseMs, 'NX').catch(() => null);
        if (answer === 'OK') {
          this.claimed = [host];
          this.lastRenewedMs = Date.now();
          this.options.log(`claimed ${host} (lease ${this.options.leaseMs} ms, owner ${this.owner})`);
          return;
        }
      }
      if (!waiting) this.options.log(`every one of ${this.options.hosts.join(',')} is claimed (or Redis is away); trying again every ${this.options.periodMs} ms`);
      waiting = true;
      await new Promise((wake) => setTimeout(wake, this.options.periodMs));
    }
  }

  /** Leases every name, waiting for those another process still holds (a replaced process's lease lapses). */
  private async claimAll(): Promise<void> {
    const pending = [...this.options.hosts];
    let waiting = false;
    while (pending.length > 0) {
      for (const name of [...pending]) {
        const answer = await this.redis.set(this.key(name), this.owner, 'PX', this.options.leaseMs, 'NX').catch(() => null);
        if (answer !== 'OK') continue;
        pending.splice(pending.indexOf(name), 1);
        this.claimed.push(name);
        this.options.log(`claimed ${name} (lease ${this.options.leaseMs} ms, owner ${this.owner})`);
      }
      if (pending.length === 0) break;
      if (!waiting) this.options.log(`${pending.join(',')} held by another process (or Redis is away); trying again every ${this.options.periodMs} ms`);
      waiting = true;
      await new Promise((wake) => setTimeout(wake, this.options.periodMs));
    }
    this.lastRenewedMs = Date.now();
    // Served in the order given, whatever order the leases came in.
    this.claimed.sort((a, b) => this.options.hosts.indexOf(a) - this.options.hosts.indexOf(b));
  }

  private async beat(): Promise<void> {
    // A round trip slower than the period: the next beat waits for it rather than piling up.
    if (this.lost || this.stopped || this.beating) return;
    this.beating = true;
    try {
      await this.roundTrip();
    } finally {
      this.beating = false;
    }
  }

  private async roundTrip(): Promise<void> {
    const host = this.claimed[0] ?? null;
    try {
      if (host === null) await this.redis.ping();
      for (const name of this.claimed) {
        const renewed = await this.redis.eval(RENEW, 1, this.key(name), this.owner, this.options.leaseMs);
        if (renewed === 0) return this.lose(name, 'the lease lapsed and another process holds it');
        if (renewed === 2) this.options.log(`the lease of ${name} had lapsed (this process was stalled); no one had taken it, claimed it again`);
      }
      this.lastRenewedMs = Date.now();
      this.failedRenewals = 0;
    } catch (error) {
      // No renewal for a whole lease, and failures in a row: Redis is out of reach. A single failure
      // after a long stall of this process's event loop is not enough (its timeout fires before the
      // reply is read); the next round trip tells.
      this.failedRenewals++;
      const silentMs = Date.now() - this.lastRenewedMs;
      if (host !== null && silentMs >= this.options.leaseMs && this.failedRenewals >= 2) {
        this.lose(host, `not renewed for ${silentMs} ms (${(error as Error).message})`);
      }
      return;
    }
    if (this.options.healthFile !== null && !this.stopped) await writeFile(this.options.healthFile, `${Date.now()}\n`).catch(() => undefined);
  }

  private lose(host: string, reason: string): void {
    if (this.lost) return;
    this.lost = true;
    clearInterval(this.timer);
    this.options.log(`lost ${host}: ${reason}`);
    this.options.onLost(host, reason);
  }

  private key(name: string): string {
    return `${this.prefix}:${presenceKey(name)}`;
  }
}

/** The lease key of a served name, relative to the deployment's hash tag (the controller reads them to see who serves what). */
export function presenceKey(name: string): string {
  return `shard-claim:${name}`;
}
