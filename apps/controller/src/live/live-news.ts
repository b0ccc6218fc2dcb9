import type { HostLive } from '@migsim/cluster';
import type { QueryMigrateInfo } from '@migsim/migration';
import type { TimelinePoint } from '@migsim/report';
import { LiveSamples } from './live-samples';

/** The latest a host said about one running migration. */
export interface MigrationNews {
  attempt: number;
  phase: string;
  round: number | null;
  info: QueryMigrateInfo;
}

/** Events a run keeps per variant for the page (the newest). */
const KEPT_EVENTS = 200;

/**
 * What the shard workers told about their hosts, window by window, kept for
 * the live page (never read by a run): which hosts are up, each running
 * migration's last `query-migrate` reply, the newest events, and the VMs'
 * timeline points so far (bounded, see LiveSamples). Not persisted: a
 * restarted controller starts empty, and a completed run's report holds
 * everything anyway.
 */
export class LiveNews {
  readonly samples = new LiveSamples();
  private readonly runs = new Map<string, Map<string, VariantNews>>();

  add(run: string, variant: string, host: HostLive): void {
    const news = this.variant(run, variant);
    if (host.up) news.downHosts.delete(host.host);
    else news.downHosts.add(host.host);
    for (const migration of host.migrations) news.migrations.set(migration.migration, { attempt: migration.attempt, phase: migration.phase, round: migration.round, info: migration.info });
    for (const event of host.events) news.events.push({ tMs: event.tNs / 1e6, kind: event.kind, subject: event.subject, detail: event.detail });
    if (news.events.length > KEPT_EVENTS) news.events.splice(0, news.events.length - KEPT_EVENTS);
    for (const sample of host.samples) this.samples.add(run, variant, sample.vm, sample.points);
  }

  of(run: string, variant: string): VariantNews {
    return this.variant(run, variant);
  }

  timeline(run: string, variant: string, vm: string): readonly TimelinePoint[] {
    return this.samples.of(run).get(`${variant}/${vm}`) ?? [];
  }

  private variant(run: string, variant: string): VariantNews {
    let variants = this.runs.get(run);
    if (variants === undefined) {
      variants = new Map();
      this.runs.set(run, variants);
    }
    let news = variants.get(variant);
    if (news === undefined) {
      news = { downHosts: new Set(), migrations: new Map(), events: [] };
      variants.set(variant, news);
    }
    return news;
  }
}

export interface VariantNews {
  downHosts: Set<string>;
  migrations: Map<string, MigrationNews>;
  events: { tMs: number; kind: string; subject: string; detail: string }[];
}
