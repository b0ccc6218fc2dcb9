import type { GuestVm } from '@migsim/guest';
import type { SourceVm } from '@migsim/migration';
import type { VmMmu } from '@migsim/mmu';

const CATCH_UP_BEFORE = new Set<PropertyKey>(['getDirtyLog', 'getDirtyLogInto', 'clearDirtyLog', 'setDirtyLogging']);

/**
 * The VM as a migration machine sees it (libs/migration `SourceVm`), with
 * the guest run lazily: before the machine reads or changes dirty-logging
 * state (a bitmap sync, a clear, logging on or off) the guest is brought up
 * to the engine's current time (`catchUp`). Between those calls nothing the
 * machine does depends on the guest: KVM keeps every write in its dirty log
 * until the next sync whether it happened before or after a page was sent
 * in the round, so the pages each round resends, the final stop-and-copy
 * and the memory compared at switchover are the same as if the guest had
 * been stepped at every event — at a small fraction of the cost.
 */
export function lazySourceVm(guest: GuestVm, catchUp: () => void): SourceVm {
  // One wrapper per method, made on first use: the machine calls the MMU on every sync.
  const wrappers = new Map<PropertyKey, { method: unknown; wrapper: unknown }>();
  const mmu = new Proxy(guest.mmu, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = wrappers.get(property);
      if (cached !== undefined && cached.method === value) return cached.wrapper;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = CATCH_UP_BEFORE.has(property)
        ? (...args: unknown[]) => {
            catchUp();
            return method.apply(target, args);
          }
        : method.bind(target);
      wrappers.set(property, { method: value, wrapper });
      return wrapper;
    },
  }) as VmMmu;
  return { mmu, onWrite: (listener) => guest.onWrite(listener) };
}
