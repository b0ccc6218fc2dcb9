import { CliError, EXIT_BAD_INPUT, EXIT_INTERNAL } from './cli-error';
import type { CommandContext } from './command-context';
import { MIGSIM_VERSION } from '@migsim/sim';
import { COMMAND_USAGE } from './usage';
import { runSimulate } from './commands/simulate';
import { runSchema } from './commands/schema';
import { runReport } from './commands/report';
import { runRun } from './commands/run';
import { runValidate } from './commands/validate';
import { runSweep } from './commands/sweep';
import { runWorker } from './commands/worker';

const USAGE = `migsim — a simulator of KVM live migration and of the huge-page recovery after a failed one

Usage:
  migsim --version                  The version.
  migsim simulate <scenario.yaml> [--seed N] [--out report.json] [--html report.html] [--format text|json|csv] [--no-color]
      Run a scenario in the deterministic in-process engine. Exit 0 when every
      check passed, 1 when a check failed, 2 on bad input (also models over
      MIGSIM_MODEL_MEMORY_LIMIT, by default half of this machine's memory).
  migsim validate <scenario.yaml>   Check a scenario file and list every problem in it.
  migsim schema                     Print the scenario file's JSON Schema (for editors).
  migsim report <report.json> [--html report.html] [--format text|json|csv]
      Re-render a saved JSON report.
  migsim run <scenario.yaml> [--controller URL] [--out report.json] [--html report.html] [--no-color]
      Submit a scenario to a running controller (the distributed services) and
      wait for its report; same exit codes as simulate.
  migsim sweep <scenario.yaml> --seeds 1..N --out DIR [--set path=v1,v2 ...] [--variants a,b]
      [--workers N | --queue redis://HOST:PORT] [--shrink]
      Chaos-test: every variant x every seed (x every --set value), paired by seed;
      summary.json, runs.csv, index.html, failing seeds with the command that
      reproduces each, and (--shrink) small scenarios that still fail.
  migsim worker --queue redis://HOST:PORT [--workers N]
      Run sweeps' runs from the queue (on any number of machines sharing the Redis).
  migsim help                       This text. \`migsim <command> --help\` for one command.
`;

type Command = (ctx: CommandContext) => Promise<number> | number;

const COMMANDS: Record<string, Command> = {
  simulate: runSimulate,
  validate: runValidate,
  schema: runSchema,
  report: runReport,
  run: runRun,
  sweep: runSweep,
  worker: runWorker,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : EXIT_BAD_INPUT;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`migsim ${MIGSIM_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  // Each command's own usage; sweep and worker print theirs themselves.
  const usage = COMMAND_USAGE[name];
  if (command !== undefined && usage !== undefined && (args.includes('--help') || args.includes('-h'))) {
    process.stdout.write(usage);
    return 0;
  }
  if (!command) {
    throw new CliError(`migsim: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. Run 'migsim help'.`);
  }
  return command({ args, stdout: process.stdout, stderr: process.stderr });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const detail = process.env.MIGSIM_DEBUG ? (error as Error).stack : (error as Error)?.message;
    process.stderr.write(`migsim: internal error: ${detail}\n(set MIGSIM_DEBUG=1 for the stack trace)\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
