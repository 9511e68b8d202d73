import { readFile } from 'node:fs/promises';

/** The parts of a V8 `.cpuprofile` (`node --cpu-prof`) this reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * `node bench/dist/profile-compare.js FILTER.cpuprofile RELAY.cpuprofile`: where the filter's
 * event loop spends the time the bare relay's does not. Both profiles come from one
 * `pnpm bench:smtp -- --cpu-prof DIR` run, in which both servers handle the same messages, so
 * their busy times compare directly. Self time is summed by part (our packages, each library,
 * Node's internals, native calls such as socket writes) and printed largest difference first.
 */
async function main(): Promise<void> {
  const [filterPath, relayPath] = process.argv.slice(2);
  if (filterPath === undefined || relayPath === undefined) throw new Error('usage: profile-compare FILTER.cpuprofile RELAY.cpuprofile');
  const filter = selfTimeByPart(JSON.parse(await readFile(filterPath, 'utf8')) as CpuProfile);
  const relay = selfTimeByPart(JSON.parse(await readFile(relayPath, 'utf8')) as CpuProfile);
  const busy = (parts: Map<string, number>) => [...parts.values()].reduce((sum, ms) => sum + ms, 0);
  const rows = [...new Set([...filter.keys(), ...relay.keys()])]
    .map((part) => ({ part, filter: filter.get(part) ?? 0, relay: relay.get(part) ?? 0 }))
    .sort((a, b) => b.filter - b.relay - (a.filter - a.relay));
  console.log(`${'part'.padEnd(40)}${'filter ms'.padStart(11)}${'relay ms'.padStart(11)}${'difference'.padStart(12)}`);
  console.log(`${'busy (not idle)'.padEnd(40)}${ms(busy(filter), 11)}${ms(busy(relay), 11)}${ms(busy(filter) - busy(relay), 12)}`);
  for (const row of rows) {
    if (Math.max(row.filter, row.relay) < 20) continue;
    console.log(`${row.part.padEnd(40)}${ms(row.filter, 11)}${ms(row.relay, 11)}${ms(row.filter - row.relay, 12)}`);
  }
}

function selfTimeByPart(profile: CpuProfile): Map<string, number> {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parts = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id);
    if (frame === undefined || frame.functionName === '(idle)') return;
    const part = partOf(frame.functionName, frame.url);
    parts.set(part, (parts.get(part) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return parts;
}

/** One line of the comparison: a workspace package or app, a dependency, a Node internal module, or a native call. */
function partOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)' || functionName === '(program)') return functionName;
  const workspace = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  if (workspace !== null) return `${workspace[1]}/${workspace[2]}`;
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(url);
  if (dependency !== null) return `dependency ${dependency[1]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 3).join('/');
  if (url === '') return `native ${functionName.startsWith('RegExp:') ? '(regular expressions)' : functionName || '(unnamed)'}`;
  return url;
}

function ms(value: number, width: number): string {
  return value.toFixed(0).padStart(width);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
