import { OrchestrationError } from '../errors';
import type { FaultSpec } from './fault-spec';
import type { FaultTarget, MigrationEndpoints } from './fault-target';

/**
 * One kind of fault: how to read its parameters and how it acts on the
 * system. Adding a kind is one file under `kinds/` plus its line in
 * `registry.ts`.
 */
export interface FaultKind<P = unknown> {
  readonly kind: string;
  /** One line for docs and `--help`. */
  readonly description: string;
  /** Validates and normalises `spec.params`; throws OrchestrationError('FAULT_INVALID') naming the fault. */
  parse(spec: FaultSpec): P;
  /** Applies the fault now; schedules its own revert when the spec has a duration. */
  apply(params: P, spec: FaultSpec, target: FaultTarget): void;
}

export function invalidFault(spec: FaultSpec, message: string): OrchestrationError {
  return new OrchestrationError('FAULT_INVALID', `fault "${spec.id}" (${spec.kind}): ${message}`);
}

export function optionalString(spec: FaultSpec, key: string): string | undefined {
  const value = spec.params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalidFault(spec, `${key} must be a non-empty string`);
  return value;
}

export function requiredNumber(spec: FaultSpec, key: string, min = 0): number {
  const value = spec.params[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalidFault(spec, `${key} must be a number >= ${min}`);
  }
  return value;
}

/** Where a network fault applies: the path of a migration, a pair of hosts, or one host's NIC. */
export type NetworkScope = { migration: string } | { between: readonly [string, string] } | { host: string };

export function parseNetworkScope(spec: FaultSpec): NetworkScope {
  const migration = optionalString(spec, 'migration');
  const host = optionalString(spec, 'host');
  const between = spec.params['between'];
  const given = [migration !== undefined, host !== undefined, between !== undefined].filter(Boolean).length;
  if (given !== 1) throw invalidFault(spec, 'give exactly one of migration, between or host');
  if (migration !== undefined) return { migration };
  if (host !== undefined) return { host };
  if (!Array.isArray(between) || between.length !== 2 || between.some((h) => typeof h !== 'string')) {
    throw invalidFault(spec, 'between must be a list of two host names');
  }
  return { between: [between[0] as string, between[1] as string] };
}

/** The two hosts of a path scope, resolved now; undefined for a host scope or an unknown migration. */
export function resolvePath(scope: NetworkScope, spec: FaultSpec, target: FaultTarget): readonly [string, string] | undefined {
  if ('host' in scope) return undefined;
  if ('between' in scope) {
    for (const host of scope.between) if (!target.hostExists(host)) throw invalidFault(spec, `no host named "${host}"`);
    return scope.between;
  }
  const endpoints: MigrationEndpoints | undefined = target.migrationEndpoints(scope.migration);
  return endpoints === undefined ? undefined : [endpoints.sourceHost, endpoints.destinationHost];
}

export function scheduleRevert(spec: FaultSpec, target: FaultTarget, revert: () => void): void {
  if (spec.durationNs !== undefined) target.schedule(target.nowNs() + spec.durationNs, revert);
}
