import { beforeAll, expect, test } from 'vitest';
import { verifyDkim, type DkimVerification } from '@authgate/dkim';
import { answersFor, differentialZone, type PeerAnswer } from './peer-zone.js';
import { buildCorpus, MESSAGES, type Case } from './signed-corpus.js';

/** Signatures in the corpus: fixed by its seed, so this only changes when the corpus does. */
export const SIGNATURES = 1000;

/** Another verifier run once over the whole corpus, with the DNS answers of the zone. */
export interface Peer<V> {
  name: string;
  /** One list of verdicts per case, one verdict per signature, topmost first. */
  verify(answers: Record<string, PeerAnswer>, cases: Case[]): V[][];
  passes(verdict: V): boolean;
  describe(verdict: V): string;
  /** The signatures this peer can judge at all (all when absent). */
  judges?(pair: PeerPair<V>): boolean;
}

/** One signature's verdicts, with the case it comes from; `index` 0 is the topmost signature. */
export interface PeerPair<V> {
  case: Case;
  index: number;
  ours: DkimVerification;
  theirs: V;
}

/** A kind of disagreement the RFC text settles (or leaves open), matched on a precise feature of the case. */
export interface KnownDifference<V> {
  id: string;
  rfc: string;
  matches: (pair: PeerPair<V>) => boolean;
}

/**
 * Verifies the corpus with `peer` and with verifyDkim (same DNS answers, same clock), and adds the
 * checks every differential makes: both see the same signatures, intact messages pass, every
 * verdict agrees or a known difference explains it, and every known difference still occurs.
 * Call inside a `describe`; the returned function gives every pair once the corpus is verified.
 */
export function compareWithPeer<V>(peer: Peer<V>, differences: KnownDifference<V>[]): () => PeerPair<V>[] {
  let comparisons: Array<{ case: Case; ours: DkimVerification[]; theirs: V[] }> = [];

  beforeAll(async () => {
    const zone = await differentialZone();
    const cases = await buildCorpus();
    const theirs = peer.verify(await answersFor(zone, cases), cases);
    comparisons = await Promise.all(cases.map(async (c, i) => ({
      case: c, ours: await verifyDkim(c.message, { resolver: zone, now: () => c.now }), theirs: theirs[i]!,
    })));
  });

  const pairs = () => comparisons.flatMap((c) => c.ours.map((ours, index): PeerPair<V> => ({ case: c.case, index, ours, theirs: c.theirs[index]! })));
  const compared = () => pairs().filter((p) => peer.judges?.(p) ?? true);
  const agrees = (p: PeerPair<V>) => p.theirs !== undefined && (p.ours.result === 'pass') === peer.passes(p.theirs);
  const known = (p: PeerPair<V>) => differences.some((d) => d.matches(p));
  const describePair = (p: PeerPair<V>) => `${p.case.name} [${p.index}]: authgate ${p.ours.result} (${p.ours.reason ?? ''}) ${peer.name} ${peer.describe(p.theirs)}`;

  test('both sides see the same signatures, and the corpus is the expected one', () => {
    const counts = comparisons.filter((c) => c.ours.length !== c.theirs.length).map((c) => `${c.case.name}: ${c.ours.length} against ${c.theirs.length}`);
    expect(counts).toEqual([]);
    expect(pairs()).toHaveLength(SIGNATURES);
  });

  test('every intact message passes on both sides, but where a known difference says why not', () => {
    const intact = (c: { case: Case }) => c.case.mutation === 'intact' && c.case.variant === undefined;
    expect(comparisons.filter(intact)).toHaveLength(MESSAGES);
    const failing = compared().filter(intact)
      .filter((p) => !(p.ours.result === 'pass' && peer.passes(p.theirs)))
      .filter((p) => !known(p))
      .map(describePair);
    expect(failing).toEqual([]);
  });

  test('every verdict agrees, or differs as a known difference explains', () => {
    expect(compared().filter((p) => !agrees(p) && !known(p)).map(describePair)).toEqual([]);
  });

  test('each known difference is real: it occurs in the corpus', () => {
    const disagreements = compared().filter((p) => !agrees(p));
    const seen = new Map(differences.map((d) => [d.id, disagreements.filter((p) => d.matches(p)).length]));
    for (const difference of differences) expect([difference.id, seen.get(difference.id)! > 0]).toEqual([difference.id, true]);
    const all = compared();
    process.stdout.write(`${peer.name} differential: ${pairs().length} signatures in ${comparisons.length} cases, ${pairs().length - all.length} not compared, ${all.length} compared, ${all.filter((p) => p.ours.result === 'pass').length} passing here, ${disagreements.length} known differences (${[...seen].map(([id, n]) => `${id}: ${n}`).join('; ')})\n`);
  });

  return pairs;
}
