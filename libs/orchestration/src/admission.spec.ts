import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdmissionController } from './admission';
import { OrchestrationError } from './errors';
import { PendingQueue } from './pending-queue';
import { migrationPolicy } from './policy';

describe('admission caps', () => {
  it('defaults are KubeVirt\'s: 5 per cluster, 2 outbound per host', () => {
    const policy = migrationPolicy();
    expect(policy.parallelMigrationsPerCluster).toBe(5);
    expect(policy.parallelOutboundMigrationsPerNode).toBe(2);
  });

  it('a third migration out of one host waits for a slot', () => {
    const admission = new AdmissionController(migrationPolicy());
    admission.admit({ id: 'a', sourceHost: 'h1', destinationHost: 'd1' });
    admission.admit({ id: 'b', sourceHost: 'h1', destinationHost: 'd2' });
    expect(admission.refusal({ sourceHost: 'h1', destinationHost: 'd3' })).toBe('outbound-cap');
    expect(() => admission.admit({ id: 'c', sourceHost: 'h1', destinationHost: 'd3' })).toThrow(OrchestrationError);
    admission.release('a');
    expect(admission.canAdmit({ sourceHost: 'h1', destinationHost: 'd3' })).toBe(true);
  });

  it('the sixth migration in the cluster waits, whatever its hosts', () => {
    const admission = new AdmissionController(migrationPolicy());
    for (let i = 0; i < 5; i += 1) admission.admit({ id: `m${i}`, sourceHost: `s${i}`, destinationHost: `d${i}` });
    expect(admission.refusal({ sourceHost: 'x', destinationHost: 'y' })).toBe('cluster-cap');
  });

  it('the inbound cap holds a third migration into one host', () => {
    const admission = new AdmissionController(migrationPolicy({ parallelInboundMigrationsPerNode: 2 }));
    admission.admit({ id: 'a', sourceHost: 's1', destinationHost: 'd' });
    admission.admit({ id: 'b', sourceHost: 's2', destinationHost: 'd' });
    expect(admission.refusal({ sourceHost: 's3', destinationHost: 'd' })).toBe('inbound-cap');
  });

  it('never more than 2 outbound per host, 2 inbound per host, 5 per cluster, under any arrival and completion order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('request' as const), s: fc.integer({ min: 0, max: 3 }), d: fc.integer({ min: 0, max: 3 }) }),
            fc.record({ op: fc.constant('finish' as const), pick: fc.nat() }),
          ),
          { maxLength: 80 },
        ),
        (ops) => {
          const admission = new AdmissionController(migrationPolicy());
          const queue = new PendingQueue();
          let next = 0;
          for (const op of ops) {
            if (op.op === 'request') {
              queue.enqueue({ id: `m${next}`, vmName: `vm${next}`, sourceHost: `h${op.s}`, destinationHost: `h${op.d + 4}`, notBeforeNs: 0, priority: 0 });
              next += 1;
            } else {
              const running = admission.runningMigrations();
              if (running.length > 0) admission.release(running[op.pick % running.length]!.id);
            }
            queue.admitReady(0, admission);
            expect(admission.runningCount()).toBeLessThanOrEqual(5);
            for (let h = 0; h < 8; h += 1) {
              expect(admission.outboundCount(`h${h}`)).toBeLessThanOrEqual(2);
              expect(admission.inboundCount(`h${h}`)).toBeLessThanOrEqual(2);
            }
            // Work-conserving: nothing ready stays queued while it could start.
            for (const pending of queue.list()) expect(admission.canAdmit(pending)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
