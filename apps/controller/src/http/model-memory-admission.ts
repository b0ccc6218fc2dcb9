import { BadRequestException, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { loadScenario, ScenarioError, type Scenario } from '@migsim/scenario';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';
import { formatBytes } from '../config/memory-view';

/** How many bytes the models of a scenario take in the host workers, and what they are made of. */
export interface ModelMemoryEstimate {
  readonly bytes: number;
  readonly detail: string;
}

export type EstimateModelMemory = (scenario: Scenario) => ModelMemoryEstimate;

/**
 * The estimator (libs/sim's `estimateModelBytes`, the one `migsim simulate`
 * uses), injected so the controller does not re-derive it; null while none
 * is wired, and then the check is off (and says so at start-up).
 */
export const ESTIMATE_MODEL_MEMORY = Symbol('ESTIMATE_MODEL_MEMORY');

/**
 * Refuses, before anything is created, a submitted scenario whose models
 * would not fit in what the host workers can give: a 100 TiB VM would take a
 * worker's memory down with it. The limit is MIGSIM_MODEL_MEMORY_LIMIT, by
 * default half the memory the controller sees (apps/controller/README.md).
 */
@Injectable()
export class ModelMemoryAdmission implements OnApplicationBootstrap {
  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(ESTIMATE_MODEL_MEMORY) private readonly estimate: EstimateModelMemory | null,
  ) {}

  onApplicationBootstrap(): void {
    if (this.estimate === null) process.stderr.write('[controller] no model-memory estimator: submitted scenarios are not checked against MIGSIM_MODEL_MEMORY_LIMIT\n');
  }

  /** Throws a 400 when the scenario's estimate exceeds the limit; an invalid scenario is left to RunsService, which lists its problems. */
  admit(text: string, fileName: string): void {
    if (this.estimate === null) return;
    let scenario: Scenario;
    try {
      scenario = loadScenario(text, fileName);
    } catch (error) {
      if (error instanceof ScenarioError) return;
      throw error;
    }
    const estimate = this.estimate(scenario);
    const limit = this.config.modelMemoryLimit;
    if (estimate.bytes <= limit.bytes) return;
    const message =
      `${fileName}: its models need an estimated ${formatBytes(estimate.bytes)} (${estimate.bytes} B: ${estimate.detail}), ` +
      `more than the ${formatBytes(limit.bytes)} the host workers may give (${limit.source}); shrink the scenario or raise MIGSIM_MODEL_MEMORY_LIMIT`;
    throw new BadRequestException({
      statusCode: 400,
      error: 'scenario too large',
      message,
      problems: [message],
      modelMemory: { estimateBytes: estimate.bytes, limitBytes: limit.bytes, detail: estimate.detail },
    });
  }
}
