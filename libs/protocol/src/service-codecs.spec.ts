import { isTransportError, type JsonValue } from '@migsim/transport';
import { describe, expect, it } from 'vitest';
import { HOST_COMMAND_KINDS } from './host-command';
import { HOST_EVENT_KINDS } from './host-event';
import { PAGE_STREAM_KINDS } from './page-stream';
import { asJson, serviceCodecs, type ServiceMessage } from './service-codecs';
import { hostCommand, hostEvent, pageStream } from './testing';

const body: JsonValue = { vm: 'vm-1', pages: [1, 2, 3], ratio: 0.5, nested: { ok: true, none: null } };

/** Through the wire as BullMQ carries it: JSON text, then parsed back. */
function roundTrip(message: ServiceMessage): ServiceMessage {
  return serviceCodecs.decode(JSON.stringify(serviceCodecs.encode(message))) as ServiceMessage;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isTransportError(error) ? error.code : `not a TransportError: ${String(error)}`;
  }
  return undefined;
}

describe('protocol: every service message survives encode then decode unchanged', () => {
  it.each(HOST_COMMAND_KINDS)('protocol: a host command %s round-trips', (kind) => {
    const message = hostCommand(kind, body, { host: 'dst-2' });
    expect(roundTrip(message)).toEqual(message);
  });

  it.each(HOST_EVENT_KINDS)('protocol: a host event %s round-trips', (kind) => {
    const message = hostEvent(kind, body);
    expect(roundTrip(message)).toEqual(message);
  });

  it('protocol: a vm.samples batch keeps every point of every VM, in order', () => {
    const points = [0, 1, 2].map((index) => ({ tMs: 1000 * (index + 1), relativeThroughput: 0.5 + index / 10, hugeFraction: 0.25 * index, fraction4k: 1 - 0.25 * index, dirtyLogging: index < 2 }));
    const message = hostEvent('vm.samples', { vms: [{ variant: 'zap-tdp', vm: 'vm-1', points }, { variant: 'none', vm: 'vm-1', points: [] }] });
    expect(roundTrip(message)).toEqual(message);
  });

  it.each(PAGE_STREAM_KINDS)('protocol: a page-stream %s round-trips with its attempt and sequence number', (kind) => {
    const message = pageStream(kind, 41, body, { attempt: 2 });
    expect(roundTrip(message)).toEqual(message);
  });

  it('protocol: the registry also speaks libs/transport own messages (dead letters, page batches)', () => {
    expect(serviceCodecs.types()).toEqual([
      'migration.page-batch',
      'migsim.host-command',
      'migsim.host-event',
      'migsim.page-stream',
      'transport.dead-letter',
    ]);
  });
});

describe('protocol: a message the services cannot read is rejected with a stable code', () => {
  it('protocol: a host command from an unknown future version is MESSAGE_UNKNOWN_VERSION', () => {
    expect(codeOf(() => serviceCodecs.decode({ ...hostCommand('vm.create'), v: 2 }))).toBe('MESSAGE_UNKNOWN_VERSION');
  });

  it('protocol: a host event of a kind nobody defined is MESSAGE_MALFORMED', () => {
    expect(codeOf(() => serviceCodecs.decode({ ...hostEvent('vm.event'), kind: 'vm.exploded' }))).toBe('MESSAGE_MALFORMED');
  });

  it('protocol: a page-stream with a negative sequence number is MESSAGE_MALFORMED', () => {
    expect(codeOf(() => serviceCodecs.decode({ ...pageStream('batch', 0), seq: -1 }))).toBe('MESSAGE_MALFORMED');
  });

  it('protocol: a message with a field its version does not have is MESSAGE_MALFORMED', () => {
    expect(codeOf(() => serviceCodecs.decode({ ...hostCommand('migration.start'), priority: 1 }))).toBe('MESSAGE_MALFORMED');
  });

  it('protocol: a host command without its run is MESSAGE_MALFORMED', () => {
    const { run: _run, ...withoutRun } = hostCommand('migration.cancel');
    expect(codeOf(() => serviceCodecs.decode(withoutRun))).toBe('MESSAGE_MALFORMED');
  });

  it('protocol: truncated JSON text is MESSAGE_MALFORMED', () => {
    expect(codeOf(() => serviceCodecs.decode(JSON.stringify(hostEvent('host.heartbeat')).slice(0, -3)))).toBe('MESSAGE_MALFORMED');
  });

  it('protocol: an unknown message type is MESSAGE_UNKNOWN_TYPE', () => {
    expect(codeOf(() => serviceCodecs.decode({ v: 1, type: 'migsim.host-gossip', run: 'r' }))).toBe('MESSAGE_UNKNOWN_TYPE');
  });

  it('protocol: a producer that builds a malformed message fails at encode, before it is sent', () => {
    const bad = { ...pageStream('prepare', 0), migration: '' };
    expect(codeOf(() => serviceCodecs.encode(bad))).toBe('MESSAGE_MALFORMED');
  });
});

describe('protocol: asJson', () => {
  it('protocol: asJson drops undefined fields and class identity, so the body passes the codec', () => {
    class Sample {
      constructor(
        readonly pages = 3,
        readonly missing: number | undefined = undefined,
      ) {}
    }
    const converted = asJson(new Sample());
    expect(converted).toEqual({ pages: 3 });
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(roundTrip(hostEvent('vm.report', converted))).toEqual(hostEvent('vm.report', { pages: 3 }));
  });
});
