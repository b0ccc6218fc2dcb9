import type { TimelinePoint } from '@migsim/report';
import { describe, expect, it } from 'vitest';
import { SampleBatcher, type SampledVm } from './sample-batches';

const point = (tMs: number): TimelinePoint => ({ tMs, relativeThroughput: 1, hugeFraction: 0.9, fraction4k: 0.1, dirtyLogging: false });

function vm(run: string, variant: string, host: string, points: TimelinePoint[]): SampledVm & { points: TimelinePoint[] } {
  return { key: `${run}/${variant}/vm-1`, run, variant, name: 'vm-1', host, points };
}

describe('source host: sample batches for the live view', () => {
  it('sends each timeline point once, batched per run and host, only what was recorded since the last batch', () => {
    const batcher = new SampleBatcher();
    const a = vm('run-a', 'none', 'src-1', [point(1000), point(2000)]);
    const b = vm('run-a', 'zap-tdp', 'src-1', [point(1000)]);
    const c = vm('run-b', 'base', 'src-1', []);
    expect(batcher.take([a, b, c])).toEqual([
      {
        run: 'run-a',
        host: 'src-1',
        vms: [
          { variant: 'none', vm: 'vm-1', points: [point(1000), point(2000)] },
          { variant: 'zap-tdp', vm: 'vm-1', points: [point(1000)] },
        ],
      },
    ]);
    expect(batcher.take([a, b, c])).toEqual([]);

    a.points.push(point(3000), point(4000));
    c.points.push(point(1000));
    expect(batcher.take([a, b, c])).toEqual([
      { run: 'run-a', host: 'src-1', vms: [{ variant: 'none', vm: 'vm-1', points: [point(3000), point(4000)] }] },
      { run: 'run-b', host: 'src-1', vms: [{ variant: 'base', vm: 'vm-1', points: [point(1000)] }] },
    ]);
  });

  it('follows a VM to the host it moved to, and starts over for a key it was told to forget', () => {
    const batcher = new SampleBatcher();
    const moving = vm('run-a', 'base', 'src-1', [point(1000)]);
    batcher.take([moving]);
    const moved = { ...moving, host: 'dst-1', points: [...moving.points, point(2000)] };
    expect(batcher.take([moved])).toEqual([{ run: 'run-a', host: 'dst-1', vms: [{ variant: 'base', vm: 'vm-1', points: [point(2000)] }] }]);
    batcher.forget(moving.key);
    expect(batcher.take([moved])[0]!.vms[0]!.points).toHaveLength(2);
  });
});
