/** What `migsim <command> --help` prints (main.ts's USAGE has them all). */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  simulate: `migsim simulate <scenario.yaml> [--seed N] [--out report.json] [--html report.html] [--format text|json] [--no-color]
                [--variant NAME ...] [--set path=value ...]
    Run a scenario in the deterministic in-process engine. Exit 0 when every
    check passed, 1 when a check failed, 2 on bad input (a scenario whose
    models need more than MIGSIM_MODEL_MEMORY_LIMIT, by default half of this
    machine's memory, included). --variant runs only the variants named;
    --set applies one value to a path of the file, as migsim sweep does.
`,
  validate: `migsim validate <scenario.yaml>
    Check a scenario file and list every problem in it, as simulate would:
    exit 0 when simulate would run it, 2 otherwise.
`,
  schema: `migsim schema
    Print the scenario file's JSON Schema (for editors).
`,
  report: `migsim report <report.json> [--html report.html] [--format text|json] [--no-color]
    Re-render a saved JSON report.
`,
  run: `migsim run <scenario.yaml> [--controller URL] [--out report.json] [--html report.html] [--no-color]
    Submit a scenario to a running controller (the distributed services) and
    wait for its report; same exit codes as simulate.
`,
};
