import type { FaultEntry } from '@migsim/cluster';
import type { Problem } from '@migsim/scenario';

/** An "inject now" request body: the `faults:` entry it holds, or what is wrong with it. */
export type InjectedFaultRequest = { entry: FaultEntry; problems: [] } | { entry: undefined; problems: string[] };

/**
 * Reads `POST /runs/:id/faults`: one entry of a scenario file's `faults:`
 * list, in JSON, without `at` or `when` — the controller puts it in at the
 * start of the run's next window. `{"kind":"destination-crash","host":"dst-1",
 * "duration":"30s"}`, `{"kind":"link-down","from":"src-1","to":"dst-1"}`,
 * `{"kind":"migration-cancel","migration":"m1"}`, ... The kinds and their
 * fields are the file's (libs/scenario checks them against the run's
 * scenario, see `injectionProblems`).
 */
export function readInjectedFault(body: unknown): InjectedFaultRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { entry: undefined, problems: ['body: expected a JSON object, one entry of a scenario\'s faults list such as {"kind":"destination-crash","host":"dst-1"}'] };
  }
  const problems: string[] = [];
  for (const key of ['at', 'when']) {
    if (key in body) problems.push(`${key}: not taken here (an injected fault goes in at the start of the run's next window of virtual time)`);
  }
  return problems.length > 0 ? { entry: undefined, problems } : { entry: body as FaultEntry, problems: [] };
}

/**
 * The scenario library's problems with an injected entry, named by the
 * request's fields: `host: found "dst-9", expected ...` rather than the
 * `faults[12].host` of the list it was checked as part of.
 */
export function injectionProblems(problems: readonly Problem[]): string[] {
  return problems.map((problem) => {
    const field = problem.path.replace(/^faults\[\d+\]\.?/, '');
    return field === '' ? `body: ${problem.message}` : `${field}: ${problem.message}`;
  });
}
