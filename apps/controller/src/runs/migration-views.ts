import type { ControllerActor } from '@migsim/cluster';
import type { QueryMigrateInfo } from '@migsim/migration';
import type { MigrationOutcome, Report } from '@migsim/report';
import type { Scenario } from '@migsim/scenario';
import type { LiveNews } from '../live/live-news';

/** A migration as `GET /runs/:id` and `GET /runs/:id/migrations` give it, whether the run goes on or completed. */
export interface MigrationView {
  id: string;
  vm: string;
  /** The host it left from, or null while it has not started. */
  source: string | null;
  destination: string;
  outcome: MigrationOutcome;
  /** The attempt running now, or null. */
  running: number | null;
  attempts: number;
  /** Its newest `query-migrate` reply (the running attempt's, else the last attempt's), or null before the first. */
  info: QueryMigrateInfo | null;
}

export interface VariantMigrations {
  name: string;
  migrations: MigrationView[];
}

/** A running run's migrations: each variant's controller records, with the shards' newest `query-migrate` reply of a running attempt. */
export function liveMigrationViews(run: string, scenario: Scenario, controllers: readonly ControllerActor[], news: LiveNews): VariantMigrations[] {
  return scenario.variants.map((variant, index) => ({
    name: variant.name,
    migrations: [...(controllers[index]?.records.values() ?? [])].map((migration) => ({
      id: migration.id,
      vm: migration.vmName,
      source: migration.running?.source ?? migration.sourceHost ?? null,
      destination: migration.destinationHost,
      outcome: migration.outcome,
      running: migration.running?.attempt ?? null,
      attempts: migration.attempts.length,
      info: news.of(run, variant.name).migrations.get(migration.id)?.info ?? migration.attempts.at(-1)?.info ?? null,
    })),
  }));
}

/** A completed run's migrations, from its report: nothing runs any more, and each one's last attempt has the last reply. */
export function reportedMigrationViews(report: Report): VariantMigrations[] {
  return report.variants.map((variant) => ({
    name: variant.name,
    migrations: variant.migrations.map((migration) => ({
      id: migration.id,
      vm: migration.vm,
      source: migration.source,
      destination: migration.destination,
      outcome: migration.outcome,
      running: null,
      attempts: migration.attempts.length,
      info: migration.attempts.at(-1)?.info ?? null,
    })),
  }));
}
