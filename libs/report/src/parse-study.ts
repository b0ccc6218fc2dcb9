import type { JsonObject, ShapeChecker } from './shape-checker';
import { LINK_TIERS } from './study-model';

/**
 * The report fields a load study adds, all optional (older reports lack
 * them): a host's rack, a migration's request time, an attempt's lost work,
 * a variant's link loads, a summary's study block.
 */
export function checkStudyFields(check: ShapeChecker, variant: JsonObject, path: string): void {
  eachObject(variant['hosts'], `${path}.hosts`, (host, hostPath) => check.string(host, 'rack', hostPath, { optional: true }));
  eachObject(variant['migrations'], `${path}.migrations`, (migration, migrationPath) => {
    check.number(migration, 'requestedMs', migrationPath, { optional: true, min: 0 });
    eachObject(migration['attempts'], `${migrationPath}.attempts`, (attempt, attemptPath) =>
      check.number(attempt, 'lostWorkVcpuSeconds', attemptPath, { optional: true, min: 0 }),
    );
  });
  if (variant['network'] === undefined) return;
  const network = check.objectField(variant, 'network', path);
  if (!network) return;
  const networkPath = `${path}.network`;
  check.boolean(network, 'migrationNetwork', networkPath);
  check.array(network, 'tiers', networkPath, (item, tierPath) => {
    const tier = check.object(item, tierPath);
    if (!tier) return;
    check.oneOf(tier, 'tier', tierPath, LINK_TIERS);
    check.number(tier, 'links', tierPath, { integer: true, min: 0 });
    check.number(tier, 'capacityBytesPerSec', tierPath, { min: 0 });
    check.array(tier, 'points', tierPath, (pointItem, pointPath) => {
      const point = check.object(pointItem, pointPath);
      if (!point) return;
      check.number(point, 'tMs', pointPath, { min: 0 });
      check.number(point, 'meanFraction', pointPath, { min: 0 });
      check.number(point, 'maxFraction', pointPath, { min: 0 });
      check.number(point, 'busyLinks', pointPath, { integer: true, min: 0 });
    });
  });
}

/** A summary variant's study block, when present: counts and times are numbers, percentiles numbers or null. */
export function checkStudySummary(check: ShapeChecker, summaryVariant: JsonObject, path: string): void {
  if (summaryVariant['study'] === undefined) return;
  const study = check.objectField(summaryVariant, 'study', path);
  if (!study) return;
  const studyPath = `${path}.study`;
  for (const key of ['migrations', 'attempts', 'retried']) check.number(study, key, studyPath, { integer: true, min: 0 });
  for (const key of ['firstRequestMs', 'lastEndMs', 'makespanMs']) check.number(study, key, studyPath, { nullable: true, min: 0 });
  for (const key of ['totalTimeMs', 'downtimeMs', 'transferredBytes', 'lostWorkVcpuSeconds', 'queueWaitMs']) {
    const percentiles = check.objectField(study, key, studyPath);
    if (!percentiles) continue;
    check.number(percentiles, 'count', `${studyPath}.${key}`, { integer: true, min: 0 });
    for (const rank of ['mean', 'p50', 'p90', 'p95', 'p99', 'max']) check.number(percentiles, rank, `${studyPath}.${key}`, { nullable: true, min: 0 });
  }
}

function eachObject(list: unknown, path: string, visit: (item: JsonObject, itemPath: string) => void): void {
  if (!Array.isArray(list)) return;
  // Entries that are not objects are reported by the main checks already.
  list.forEach((item, index) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) visit(item as JsonObject, `${path}[${index}]`);
  });
}
