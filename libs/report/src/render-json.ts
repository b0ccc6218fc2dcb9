import { normalizeReport } from './normalize-report';
import type { Report } from './report-model';

/**
 * The report as stable JSON: canonical key order and precision
 * (`normalizeReport`), 2-space indentation, a trailing newline. The same
 * report always gives the same bytes, which is how determinism is checked.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(normalizeReport(report), null, 2)}\n`;
}
