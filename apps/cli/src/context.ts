import type { Argv } from 'yargs';
import type { Io } from './output.js';

/** What every command module gets from main: the streams, and where to put its exit code. */
export interface CommandContext {
  io: Io;
  /** Standard input, for `-`. */
  stdin: AsyncIterable<Uint8Array> & { isTTY?: boolean };
  setExitCode(code: number): void;
}

/** The parsed arguments of a command, from its builder function. */
export type ArgsOf<B> = B extends (yargs: Argv) => Argv<infer U> ? U : never;
