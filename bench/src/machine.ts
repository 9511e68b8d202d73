import { cpus, totalmem } from 'node:os';

/** What the figures were measured on: they mean little without it. */
export function machine(): { cores: number; cpu: string; memoryGb: number; node: string } {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
