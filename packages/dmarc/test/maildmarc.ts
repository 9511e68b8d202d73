import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DmarcCase } from './maildmarc-cases.js';

/** What Mail::DMARC (peers/maildmarc.pl) says about one case. */
export interface MailDmarcVerdict {
  id: string;
  /** `pass`, `fail` or `none`; absent when Mail::DMARC died (then `error` says why). */
  result?: string;
  /** `none`, `quarantine` or `reject`. */
  disposition?: string;
  /** Aligned identifiers: `pass` when the SPF or DKIM identifier aligned, else `fail`. */
  spf?: string;
  dkim?: string;
  reason?: string;
  /** The published record it applied: where it was found and its p, sp and pct as written. */
  policyDomain?: string;
  p?: string;
  sp?: string;
  pct?: string;
  /** The author domain's Organizational Domain by its Public Suffix List. */
  organizationalDomain?: string;
  error?: string;
}

const PEER = fileURLToPath(new URL('peers/maildmarc.pl', import.meta.url));

/** Debian's copy of the Public Suffix List, the one libmail-dmarc-perl's own configuration names. */
export const DEBIAN_PSL = '/usr/share/publicsuffix/public_suffix_list.dat';

/**
 * Runs every case through Mail::DMARC in one Perl process, its DNS answered by the server at
 * `server`:`port`. Each case's SPF result is handed over with the `mfrom` scope and its DKIM
 * signatures as results with their `d=` domains, the inputs Mail::DMARC::PurePerl takes.
 */
export function mailDmarcVerdicts(
  cases: readonly DmarcCase[],
  server: { host: string; port: number },
): Promise<{ version: string; verdicts: MailDmarcVerdict[] }> {
  const input = JSON.stringify({
    server: server.host,
    port: server.port,
    psl: DEBIAN_PSL,
    cases: cases.map((c) => ({
      id: c.id,
      from: c.from,
      random: c.random,
      spf: [{ domain: c.spf.domain, result: c.spf.result, scope: 'mfrom' }],
      dkim: c.dkim,
    })),
  });
  return new Promise((resolve, reject) => {
    const child = spawn('perl', [PEER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`maildmarc.pl exited ${code}:\n${stderr}`));
      else resolve(JSON.parse(stdout) as { version: string; verdicts: MailDmarcVerdict[] });
    });
    child.stdin.end(input);
  });
}
