import { describe, expect, it } from 'vitest';
import { splitLoggedVm, testVm } from './testing';

describe('test builders', () => {
  it('testVm maps a populated slot at its max level; splitLoggedVm leaves it split and logged', () => {
    expect(testVm({ memoryMiB: 8 }).coverage()).toMatchObject({ bytes2m: 8 * 2 ** 20, bytes4k: 0 });
    expect(testVm({ memoryMiB: 8, backing: '4k' }).coverage()).toMatchObject({ bytes2m: 0, bytes4k: 8 * 2 ** 20 });
    const logged = splitLoggedVm({ memoryMiB: 8, profile: 'linux-6.13' });
    expect([logged.isDirtyLogging(0), logged.coverage().bytes4k, logged.profile.recovery]).toEqual([true, 8 * 2 ** 20, 'recover-in-place']);
    expect(() => testVm({ profile: 'linux-2.6' })).toThrow(/INVALID_PROFILE.*linux-2.6/);
  });
});
