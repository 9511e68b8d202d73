import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ZoneData } from '@authgate/dns';
import type { PeerResult } from './differential.js';

/** pyspf's results for one case: the MAIL FROM identity and the HELO identity. */
export interface PyspfVerdict {
  mailfrom: PeerResult;
  helo: PeerResult;
}

/**
 * Runs every case through pyspf in one process (test/peers/pyspf.py), with Debian's interpreter:
 * the pyenv python3 on PATH lacks Debian's python3-spf and python3-dnspython.
 */
export function pyspfVerdicts(zone: ZoneData, cases: { ip: string; mailFrom: string; helo: string }[]): PyspfVerdict[] {
  const script = fileURLToPath(new URL('../peers/pyspf.py', import.meta.url));
  const input = JSON.stringify({ zone, cases: cases.map(({ ip, mailFrom, helo }) => ({ ip, mailFrom, helo })) });
  const run = spawnSync('/usr/bin/python3', [script], { input, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`pyspf.py failed (${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout) as PyspfVerdict[];
}
