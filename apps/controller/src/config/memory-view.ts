import { totalmem } from 'node:os';

/** How much memory the controller sees, and where that figure comes from (for messages). */
export interface MemoryView {
  readonly bytes: number;
  readonly source: string;
}

/** The machine's memory, or the cgroup's limit when it is smaller (libuv's uv_get_constrained_memory). */
export function controllerMemoryView(): MemoryView {
  return memoryView(totalmem(), process.constrainedMemory?.() ?? 0);
}

/** `constrainedBytes` is 0 (or above any real machine) when no limit applies. */
export function memoryView(totalBytes: number, constrainedBytes: number): MemoryView {
  if (constrainedBytes > 0 && constrainedBytes < totalBytes) return { bytes: constrainedBytes, source: `the controller's cgroup memory limit (${formatBytes(constrainedBytes)})` };
  return { bytes: totalBytes, source: `the controller machine's memory (${formatBytes(totalBytes)})` };
}

/** Approximate, for people: `13.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
