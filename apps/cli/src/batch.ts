import { CliError, EXIT } from './errors.js';
import { loadMessage, type LoadedMessage } from './input/message.js';
import type { InputPlan } from './input/sources.js';
import type { Output, Printable } from './output.js';
import { mapConcurrent } from './pool.js';
import { Summary, type Tallied } from './summary.js';

/** How a command checks one message and shows the outcome. */
export interface MessageCheck<R> {
  check(message: LoadedMessage & { name: string }): Promise<R>;
  printable(result: R, name: string): Printable;
  tally(result: R): Tallied;
  /** Whether the result fails what `--fail-on` names. */
  fails(result: R): boolean;
}

type Settled<R> = { name: string; ok: true; result: R } | { name: string; ok: false; error: unknown };

/**
 * Checks every message of the plan, `concurrency` at a time, printing each result in input
 * order as soon as it and those before it are done. A message that cannot be read or is not an
 * email prints one error line (and, in the JSON modes, an error object in its place) and the
 * batch goes on. Returns the exit code (see errors.ts):
 * input errors win over failing verdicts.
 */
export async function runBatch<R>(plan: InputPlan, output: Output, concurrency: number, command: MessageCheck<R>): Promise<number> {
  const summary = new Summary();
  let errors = 0;
  let failed = false;
  output.startProgress(() => plan.total);
  const settle = async (source: { name: string; read(): Promise<Buffer> }): Promise<Settled<R>> => {
    try {
      const message = loadMessage(await source.read());
      return { name: source.name, ok: true, result: await command.check({ ...message, name: source.name }) };
    } catch (error) {
      return { name: source.name, ok: false, error };
    }
  };
  for await (const settled of mapConcurrent(plan.sources(), concurrency, settle)) {
    output.tick();
    if (settled.ok) {
      output.result(command.printable(settled.result, settled.name));
      summary.add(command.tally(settled.result));
      failed ||= command.fails(settled.result);
    } else {
      // Anything but a CliError is a bug: stop rather than print wrong verdicts for the rest.
      if (!(settled.error instanceof CliError)) {
        output.abort();
        throw settled.error;
      }
      errors += 1;
      summary.addError();
      output.failure(settled.name, settled.error);
    }
  }
  output.finish(plan.batch ? summary : undefined);
  if (errors > 0) return EXIT.usage;
  return failed ? EXIT.verdict : EXIT.ok;
}
