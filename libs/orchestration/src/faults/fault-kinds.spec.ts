import { describe, expect, it } from 'vitest';
import { OrchestrationError } from '../errors';
import { pair, RecordingFaultTarget } from '../testing';
import type { FaultSpec } from './fault-spec';
import { applyFault, FAULT_KINDS, validateFault } from './registry';

const S = 1_000_000_000;

function target(): RecordingFaultTarget {
  return new RecordingFaultTarget({ src: 125e6, dst: 125e6, other: 125e6 }, [{ id: 'm1', vmName: 'vm1', sourceHost: 'src', destinationHost: 'dst' }]);
}

function fault(kind: string, params: Record<string, unknown>, durationNs?: number): FaultSpec {
  return { id: `f-${kind}`, kind, trigger: { atNs: 0 }, params, ...(durationNs === undefined ? {} : { durationNs }) };
}

describe('fault kinds', () => {
  it('the registry holds the five basic kinds', () => {
    expect([...FAULT_KINDS.keys()].sort()).toEqual(['bandwidth-drop', 'destination-crash', 'latency', 'link-down', 'migration-cancel']);
  });

  it('destination-crash crashes the destination host of the named migration, and brings it back after its duration', () => {
    const system = target();
    applyFault(fault('destination-crash', { migration: 'vm1' }, 5 * S), system);
    expect([...system.crashed]).toEqual(['dst']);
    system.runUntil(5 * S);
    expect(system.crashed.size).toBe(0);
  });

  it('destination-crash of a migration that never started does nothing', () => {
    const system = target();
    applyFault(fault('destination-crash', { migration: 'ghost' }), system);
    expect(system.crashed.size).toBe(0);
  });

  it('link-down takes the migration path down until its duration ends', () => {
    const system = target();
    applyFault(fault('link-down', { migration: 'm1' }, 2 * S), system);
    expect(system.downPaths.has(pair('src', 'dst'))).toBe(true);
    system.runUntil(2 * S);
    expect(system.downPaths.size).toBe(0);
  });

  it('link-down on a host takes its NIC down', () => {
    const system = target();
    applyFault(fault('link-down', { host: 'other' }), system);
    expect([...system.downHostLinks]).toEqual(['other']);
  });

  it('bandwidth-drop caps a path, or lowers a host NIC and restores its old rate', () => {
    const system = target();
    applyFault(fault('bandwidth-drop', { between: ['src', 'other'], bandwidthBytesPerSec: 1e6 }), system);
    expect(system.pathCaps.get(pair('src', 'other'))).toBe(1e6);
    applyFault(fault('bandwidth-drop', { host: 'src', bandwidthBytesPerSec: 5e6 }, S), system);
    expect(system.nicRates.get('src')).toBe(5e6);
    system.runUntil(S);
    expect(system.nicRates.get('src')).toBe(125e6);
  });

  it('latency adds to the path of a migration and is removed after its duration', () => {
    const system = target();
    applyFault(fault('latency', { migration: 'm1', latencyNs: 20_000_000 }, S), system);
    expect(system.latencies.get(pair('src', 'dst'))).toBe(20_000_000);
    system.runUntil(S);
    expect(system.latencies.get(pair('src', 'dst'))).toBe(0);
  });

  it('latency on a host adds to its access link (every path through it) and is removed after its duration', () => {
    const system = target();
    applyFault(fault('latency', { host: 'dst', latencyNs: 20_000_000 }, S), system);
    expect(system.hostLatencies.get('dst')).toBe(20_000_000);
    expect(system.latencies.size).toBe(0);
    system.runUntil(S);
    expect(system.hostLatencies.get('dst')).toBe(0);
    expect(() => applyFault(fault('latency', { host: 'nowhere', latencyNs: 1 }), target())).toThrow(/no host named "nowhere"/);
  });

  it('migration-cancel cancels the named migration', () => {
    const system = target();
    applyFault(fault('migration-cancel', { migration: 'vm1' }), system);
    expect(system.cancelled).toEqual(['vm1: fault f-migration-cancel: cancelled']);
  });

  it('an unknown kind or bad parameters fail with a coded error naming the fault', () => {
    expect(() => validateFault(fault('meteor', {}))).toThrow(expect.objectContaining({ code: 'FAULT_UNKNOWN_KIND' }));
    expect(() => validateFault(fault('link-down', {}))).toThrow(OrchestrationError);
    expect(() => validateFault(fault('link-down', { host: 'a', migration: 'b' }))).toThrow(/exactly one/);
    expect(() => validateFault(fault('bandwidth-drop', { host: 'a' }))).toThrow(/bandwidthBytesPerSec/);
    expect(() => validateFault(fault('latency', { host: 'a' }))).toThrow(/latencyNs/);
    expect(() => applyFault(fault('link-down', { between: ['src', 'nowhere'] }), target())).toThrow(/no host named "nowhere"/);
  });
});
