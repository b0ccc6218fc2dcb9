import { describe, expect, it } from 'vitest';
import { isTransportError } from '../errors';
import { CodecRegistry, defineCodec } from './codec-registry';
import type { Envelope } from './envelope';
import { checks } from './field-checks';

interface StartV1 extends Envelope<'host.start-migration', 1> {
  readonly migration: string;
  readonly bandwidthBytesPerSec: number;
}
interface StartV2 extends Envelope<'host.start-migration', 2> {
  readonly migration: string;
  readonly bandwidthBytesPerSec: number;
  readonly downtimeLimitMs?: number;
}

const startV1 = defineCodec<StartV1>('host.start-migration', 1, { migration: checks.nonEmptyString, bandwidthBytesPerSec: checks.integer(1) });
const startV2 = defineCodec<StartV2>('host.start-migration', 2, {
  migration: checks.nonEmptyString,
  bandwidthBytesPerSec: checks.integer(1),
  downtimeLimitMs: checks.optional(checks.integer(1)),
});
const registry = CodecRegistry.empty().register(startV1).register(startV2);

function decodeError(body: unknown) {
  try {
    registry.decode(body);
  } catch (error) {
    if (isTransportError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('decoded without error');
}

describe('CodecRegistry', () => {
  it('codec-registry: decodes every registered version of a type, from an object or from JSON text', () => {
    const v1: StartV1 = { v: 1, type: 'host.start-migration', migration: 'm1', bandwidthBytesPerSec: 134_217_728 };
    const v2: StartV2 = { v: 2, type: 'host.start-migration', migration: 'm1', bandwidthBytesPerSec: 1, downtimeLimitMs: 300 };
    expect(registry.decode(v1)).toEqual(v1);
    expect(registry.decode(JSON.stringify(v2))).toEqual(v2);
    expect(registry.decode({ ...v2, downtimeLimitMs: undefined })).toMatchObject({ v: 2 });
    expect(registry.versionsOf('host.start-migration')).toEqual([1, 2]);
  });

  it('codec-registry: an unknown type is MESSAGE_UNKNOWN_TYPE and names the known ones', () => {
    expect(decodeError({ v: 1, type: 'host.explode' })).toEqual({
      code: 'MESSAGE_UNKNOWN_TYPE',
      message: 'MESSAGE_UNKNOWN_TYPE: $.type: "host.explode" is not a known message type (known: host.start-migration)',
    });
  });

  it('codec-registry: an unknown version is MESSAGE_UNKNOWN_VERSION and names the known versions', () => {
    expect(decodeError({ v: 3, type: 'host.start-migration', migration: 'm' })).toEqual({
      code: 'MESSAGE_UNKNOWN_VERSION',
      message: 'MESSAGE_UNKNOWN_VERSION: $.v: host.start-migration v3 is not a known version (known: v1, v2)',
    });
  });

  it('codec-registry: malformed bodies are MESSAGE_MALFORMED with the path, the expectation and what was there', () => {
    expect(decodeError('{"v":1,')).toMatchObject({ code: 'MESSAGE_MALFORMED', message: expect.stringContaining('$: expected JSON text') });
    expect(decodeError([1, 2])).toMatchObject({ code: 'MESSAGE_MALFORMED', message: 'MESSAGE_MALFORMED: $: expected an object {v, type, ...}, got [1,2]' });
    expect(decodeError(null)).toMatchObject({ code: 'MESSAGE_MALFORMED' });
    expect(decodeError({ v: 1 })).toMatchObject({ message: 'MESSAGE_MALFORMED: $.type: expected a non-empty string, got nothing' });
    expect(decodeError({ v: '1', type: 'host.start-migration' })).toMatchObject({ message: 'MESSAGE_MALFORMED: $.v: expected an integer >= 1, got "1"' });
    expect(decodeError({ v: 1, type: 'host.start-migration', migration: '', bandwidthBytesPerSec: 0 })).toEqual({
      code: 'MESSAGE_MALFORMED',
      message:
        'MESSAGE_MALFORMED: host.start-migration v1: $.migration: expected a non-empty string, got ""; ' +
        '$.bandwidthBytesPerSec: expected an integer >= 1, got 0',
    });
  });

  it('codec-registry: a field the codec does not name is refused (any change of shape is a new version)', () => {
    expect(decodeError({ v: 1, type: 'host.start-migration', migration: 'm', bandwidthBytesPerSec: 1, downtimeLimitMs: 300 })).toEqual({
      code: 'MESSAGE_MALFORMED',
      message: 'MESSAGE_MALFORMED: host.start-migration v1: $.downtimeLimitMs: expected no such field, got 300',
    });
  });

  it('codec-registry: encode refuses what decode would refuse, so a producer bug fails at the producer', () => {
    const bad = { v: 1, type: 'host.start-migration', migration: 'm', bandwidthBytesPerSec: 1.5 } as StartV1;
    expect(() => registry.encode(bad)).toThrow(/MESSAGE_MALFORMED: .*bandwidthBytesPerSec: expected an integer >= 1, got 1.5/);
    const good: StartV1 = { v: 1, type: 'host.start-migration', migration: 'm', bandwidthBytesPerSec: 2 };
    expect(registry.encode(good)).toBe(good);
  });

  it('codec-registry: registering a type and version twice, or a version < 1, is a programming error', () => {
    expect(() => registry.register(startV1)).toThrow('codec host.start-migration v1 is registered twice');
    expect(() => CodecRegistry.empty().register({ ...startV1, version: 0 as 1 })).toThrow(/version must be an integer >= 1/);
  });

  it('codec-registry: registering returns a new registry and leaves the old one unchanged', () => {
    const small = CodecRegistry.empty().register(startV1);
    const large = small.register(startV2);
    expect(small.has('host.start-migration', 2)).toBe(false);
    expect(large.has('host.start-migration', 2)).toBe(true);
  });
});
