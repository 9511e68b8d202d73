import { messageOf, type Corpus, type CorpusEntry } from './corpus.js';
import { floorWorkload } from './floor.js';

/** One side of the comparison, set up and ready to run over the corpus. */
export interface Workload {
  /** One pass over the corpus: resolves when every message has been processed. */
  run(): Promise<void>;
  /** One pass that also counts the verdicts, e.g. `{ 'dkim=pass': 340 }`, to show both sides agree. */
  verdicts(): Promise<Record<string, number>>;
}

export const WORKLOAD_NAMES = ['authgate', 'mailauth', 'authgate-dkim', 'mailauth-dkim', 'floor'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

const AUTHSERV_ID = 'mx.bench.example';

type Tally = (key: string) => void;

/**
 * Builds the named workload; setup (keys, resolvers, modules) happens here, outside the timed
 * passes. Each side imports only its own library, so that the peak RSS of a child process is that
 * library's (the mailauth side also loads authgate's ZoneResolver, which serves it the same DNS).
 */
export async function createWorkload(name: WorkloadName, corpus: Corpus, keyDir: string): Promise<Workload> {
  if (name === 'floor') return floorWorkload(corpus, keyDir);
  const { ZoneResolver } = await import('authgate');
  const resolver = await ZoneResolver.fromFile(corpus.zonePath);
  if (name === 'authgate' || name === 'authgate-dkim') {
    const { authenticate, verifyDkim } = await import('authgate');
    if (name === 'authgate-dkim') {
      return each(corpus, (message) => verifyDkim(message, { resolver }), (results, tally) => results.forEach((r) => tally(`dkim=${r.result}`)));
    }
    const check = (message: Buffer, entry: CorpusEntry) =>
      authenticate(message, { ip: entry.ip, helo: entry.helo, mailFrom: entry.mailFrom, authservId: AUTHSERV_ID, resolver });
    return each(corpus, check, (report, tally) => {
      tally(`spf=${report.spf.result}`);
      for (const signature of report.dkim) tally(`dkim=${signature.result}`);
      tally(`dmarc=${report.dmarc.result}`);
    });
  }
  const mailauth = await import('mailauth');
  // The subpath keeps the rest of the testkit (and its DNS server helpers) out of mailauth's process.
  const { mailauthResolver } = await import('@authgate/testkit/mailauth');
  const legacy = mailauthResolver(resolver);
  if (name === 'mailauth-dkim') {
    return each(corpus, (message) => mailauth.dkimVerify(message, { resolver: legacy }), (outcome: any, tally) => {
      for (const result of outcome.results) tally(`dkim=${result.status.result}`);
    });
  }
  const check = (message: Buffer, entry: CorpusEntry) =>
    mailauth.authenticate(message, {
      ip: entry.ip, helo: entry.helo, sender: entry.mailFrom, mta: AUTHSERV_ID, resolver: legacy,
      // authgate does neither ARC nor BIMI: compare the same work.
      disableArc: true, disableBimi: true,
    });
  return each(corpus, check, (report: any, tally) => {
    tally(`spf=${report.spf.status.result}`);
    for (const result of report.dkim.results) tally(`dkim=${result.status.result}`);
    tally(`dmarc=${report.dmarc.status.result}`);
  });
}

function each<R>(
  corpus: Corpus,
  check: (message: Buffer, entry: CorpusEntry) => Promise<R>,
  count: (result: R, tally: Tally) => void,
): Workload {
  return {
    async run() {
      for (const entry of corpus.entries) await check(messageOf(corpus, entry), entry);
    },
    async verdicts() {
      const counts: Record<string, number> = {};
      const tally: Tally = (key) => {
        counts[key] = (counts[key] ?? 0) + 1;
      };
      for (const entry of corpus.entries) count(await check(messageOf(corpus, entry), entry), tally);
      return counts;
    },
  };
}
