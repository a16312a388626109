// taskhub-batch entry (bin/taskhub-batch.js loads this through tsx). Exit codes: 0 every line
// succeeded, 1 some line did not, 2 usage or input-file error (nothing sent), 130 interrupted (Ctrl-C).

import { parseCommand, UsageError, USAGE } from './args.js';
import { columnsHelp } from './columns.js';
import { InputFileError } from './input.js';
import { run } from './run.js';
import { JobError, runJob } from './job.js';
import type { RunIo } from './run.js';

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: RunIo): Promise<number> {
  try {
    const command = parseCommand(argv, env);
    if (command.kind === 'help') { io.stdout.write(`${USAGE}\n`); return 0; }
    if (command.kind === 'columns') { io.stdout.write(`${columnsHelp()}\n`); return 0; }
    return command.options.job ? await runJob(command.options, io) : await run(command.options, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`taskhub-batch: ${err.message}\nRun taskhub-batch --help for usage.\n`);
      return 2;
    }
    if (err instanceof JobError) {
      io.stderr.write(`taskhub-batch: ${err.message}\n`);
      return 1;
    }
    if (err instanceof InputFileError) {
      io.stderr.write(`taskhub-batch: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
