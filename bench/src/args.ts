/** The word after `flag` on the command line (`--seed 7` gives "7"), or undefined when the flag is absent. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}
