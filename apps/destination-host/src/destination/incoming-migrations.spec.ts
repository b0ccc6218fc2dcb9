import { describe, expect, it } from 'vitest';
import { IncomingMigrations } from './incoming-migrations';
import { sourceTraffic } from './testing';

describe('destination host: incoming migrations', () => {
  it('applies batches that arrive before their prepare once it comes, verifies memory at resume, then frees the VM\'s page versions', () => {
    const { prepare, batches, check } = sourceTraffic();
    expect(batches.length).toBeGreaterThan(1);
    const incoming = new IncomingMigrations();
    // Reordered as concurrent handlers may see them: the last batches first, the prepare in the middle.
    const [first, ...rest] = [...batches].reverse();
    expect(incoming.receive('r/v/m1#1', first!)).toEqual([]);
    incoming.prepare('r/v/m1#1', prepare);
    for (const batch of rest) incoming.receive('r/v/m1#1', batch);
    incoming.receive('r/v/m1#1', batches[0]!); // a redelivered duplicate changes nothing
    const outputs = incoming.resume('r/v/m1#1', check);
    const resumed = outputs.find((output) => output.type === 'resumed');
    expect(resumed?.type === 'resumed' && resumed.verification.verified).toBe(true);
    // Switched over: its page versions are freed, and a late duplicate (or resume) does nothing.
    expect(incoming.size).toBe(0);
    expect(incoming.receive('r/v/m1#1', batches[0]!)).toEqual([]);
    expect(incoming.resume('r/v/m1#1', check)).toEqual([]);
    expect(incoming.prepare('r/v/m1#1', prepare)).toEqual([]);
    expect(incoming.size).toBe(0);
  });

  it('drops a half-received VM and ignores what still arrives for it', () => {
    const { prepare, batches, check } = sourceTraffic();
    const incoming = new IncomingMigrations();
    incoming.prepare('r/v/m1#1', prepare);
    incoming.receive('r/v/m1#1', batches[0]!);
    expect(incoming.dropWhere('r/v/')).toEqual(['r/v/m1#1']);
    expect(incoming.size).toBe(0);
    for (const batch of batches.slice(1)) expect(incoming.receive('r/v/m1#1', batch)).toEqual([]);
    expect(incoming.resume('r/v/m1#1', check)).toEqual([]);
    expect(incoming.state('r/v/m1#1')).toBeNull();
  });
});
