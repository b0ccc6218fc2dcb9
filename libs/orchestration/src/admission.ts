import { OrchestrationError } from './errors';
import type { MigrationPolicy } from './policy';

/**
 * Admission control: how many migrations may run at once, cluster-wide and
 * per host. A migration holds one cluster slot, one outbound slot on its
 * source and one inbound slot on its destination from admission until it
 * ends (KubeVirt's migration controller counts running migrations against
 * `parallelMigrationsPerCluster` and, per source node, against
 * `parallelOutboundMigrationsPerNode`; VDSM guards `max_incoming_migrations`).
 */
export interface AdmissionRequest {
  id: string;
  sourceHost: string;
  destinationHost: string;
}

export type AdmissionRefusal = 'cluster-cap' | 'outbound-cap' | 'inbound-cap';

export type AdmissionCaps = Pick<MigrationPolicy, 'parallelMigrationsPerCluster' | 'parallelOutboundMigrationsPerNode' | 'parallelInboundMigrationsPerNode'>;

export class AdmissionController {
  private readonly running = new Map<string, AdmissionRequest>();
  private readonly outbound = new Map<string, number>();
  private readonly inbound = new Map<string, number>();

  constructor(readonly caps: AdmissionCaps) {}

  /** Why `request` cannot start now, or undefined when it can. */
  refusal(request: Omit<AdmissionRequest, 'id'>): AdmissionRefusal | undefined {
    if (this.running.size >= this.caps.parallelMigrationsPerCluster) return 'cluster-cap';
    if ((this.outbound.get(request.sourceHost) ?? 0) >= this.caps.parallelOutboundMigrationsPerNode) return 'outbound-cap';
    if ((this.inbound.get(request.destinationHost) ?? 0) >= this.caps.parallelInboundMigrationsPerNode) return 'inbound-cap';
    return undefined;
  }

  /** True when no further migration can start anywhere in the cluster. */
  clusterFull(): boolean {
    return this.running.size >= this.caps.parallelMigrationsPerCluster;
  }

  canAdmit(request: Omit<AdmissionRequest, 'id'>): boolean {
    return this.refusal(request) === undefined;
  }

  /** Takes the slots of `request`; throws if a cap would be exceeded. */
  admit(request: AdmissionRequest): void {
    if (this.running.has(request.id)) throw new OrchestrationError('ADMISSION_DUPLICATE', `migration ${request.id} is already admitted`);
    const refusal = this.refusal(request);
    if (refusal !== undefined) throw new OrchestrationError('ADMISSION_OVER_CAP', `migration ${request.id} refused: ${refusal}`);
    this.running.set(request.id, { ...request });
    bump(this.outbound, request.sourceHost, 1);
    bump(this.inbound, request.destinationHost, 1);
  }

  /** Frees the slots of a migration that ended; unknown ids are ignored. */
  release(id: string): void {
    const request = this.running.get(id);
    if (request === undefined) return;
    this.running.delete(id);
    bump(this.outbound, request.sourceHost, -1);
    bump(this.inbound, request.destinationHost, -1);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  runningCount(): number {
    return this.running.size;
  }

  outboundCount(host: string): number {
    return this.outbound.get(host) ?? 0;
  }

  inboundCount(host: string): number {
    return this.inbound.get(host) ?? 0;
  }

  /** The admitted migrations, in admission order. */
  runningMigrations(): readonly AdmissionRequest[] {
    return [...this.running.values()];
  }
}

function bump(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
