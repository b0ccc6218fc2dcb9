/** Bytes in one 4 KiB guest frame (a gfn). */
export const PAGE_SIZE = 4096;
/** 4 KiB frames in one 2 MiB region (one level-2 entry, 512 x 4K). */
export const PAGES_PER_2M = 512;
/** 4 KiB frames in one 1 GiB region (one level-3 entry, 512 x 2M). */
export const PAGES_PER_1G = 262_144;
/** Regions of 2 MiB in one 1 GiB region. */
export const REGIONS_PER_1G = 512;
/** 1 = 4K, 2 = 2M, 3 = 1G (the kernel's PG_LEVEL_4K / PG_LEVEL_2M / PG_LEVEL_1G). */
export type PageLevel = 1 | 2 | 3;

/** Bytes covered by one mapping at `level`. */
export function levelBytes(level: PageLevel): number {
  return level === 1 ? PAGE_SIZE : level === 2 ? PAGE_SIZE * PAGES_PER_2M : PAGE_SIZE * PAGES_PER_1G;
}
