import { expect, test } from 'vitest';
import type { ZoneResolver } from '@authgate/dns';
import type { SpfOutcome, SpfResult } from '../../src/index.js';

/** Another implementation's result for one identity, with its message (the reason for an error). */
export interface PeerResult {
  result: SpfResult;
  detail: string;
}

/** One identity of one case, as both implementations judged it. */
export interface Comparison {
  /** The case and identity, for failure messages. */
  name: string;
  ip: string;
  ours: SpfOutcome;
  theirs: PeerResult;
  resolver: ZoneResolver;
}

/**
 * A kind of case on which the peer and this package disagree for a reason the RFC text settles (or
 * leaves open). `applies` tests the precise feature of the case that causes it.
 */
export interface KnownDifference<C extends Comparison = Comparison> {
  name: string;
  why: string;
  applies(comparison: C): Promise<boolean> | boolean;
}

/** How the disagreements of a differential run were accounted for. */
export interface Judgement {
  /** One line per disagreement no known difference explains. */
  unexplained: string[];
  /** How many disagreements each known difference explained (the first that applies). */
  explained: Map<string, number>;
}

/** Ties every disagreement to the first known difference that applies, or lists it as unexplained. */
export async function judge<C extends Comparison>(peer: string, comparisons: C[], differences: KnownDifference<C>[]): Promise<Judgement> {
  const judgement: Judgement = { unexplained: [], explained: new Map() };
  for (const comparison of comparisons) {
    const { name, ours, theirs } = comparison;
    if (ours.result === theirs.result) continue;
    const kind = await firstApplying(comparison, differences);
    if (kind === undefined) {
      judgement.unexplained.push(`${name}: ours ${ours.result} (${ours.problem?.message ?? ours.mechanism}), ${peer} ${theirs.result} (${theirs.detail})`);
    } else {
      judgement.explained.set(kind, (judgement.explained.get(kind) ?? 0) + 1);
    }
  }
  return judgement;
}

async function firstApplying<C extends Comparison>(comparison: C, differences: KnownDifference<C>[]): Promise<string | undefined> {
  for (const difference of differences) if (await difference.applies(comparison)) return difference.name;
  return undefined;
}

/**
 * The checks every differential test makes once its comparisons are judged (`run` is read when
 * the tests run, after the file's `beforeAll`): the two sides agree on every result code and on
 * the limits and main errors, no disagreement is unexplained, and every listed difference still
 * occurs.
 */
export function agreementTests<C extends Comparison>(run: () => { judged: C[]; judgement: Judgement }, differences: KnownDifference<C>[]): void {
  const agreed = () => run().judged.filter((c) => c.ours.result === c.theirs.result);

  test('the cases reach every result, and the two agree on each of them', () => {
    const results = new Set<SpfResult>(agreed().map((c) => c.ours.result));
    expect([...results].sort()).toEqual(['fail', 'neutral', 'none', 'pass', 'permerror', 'softfail', 'temperror']);
  });

  test('the agreements include every limit and the main errors', () => {
    const codes = new Set<string | undefined>(agreed().map((c) => c.ours.problem?.code));
    const expected = ['lookup-limit', 'void-lookup-limit', 'mx-limit', 'multiple-records', 'include-none', 'redirect-none', 'syntax-error', 'invalid-macro', 'dns-error'];
    expect(expected.filter((code) => !codes.has(code))).toEqual([]);
  });

  test('every disagreement is a known difference', () => {
    expect(run().judgement.unexplained).toEqual([]);
  });

  // A listed difference the corpus no longer shows is dead weight in the list.
  test.for(differences.map((difference) => [difference.name, difference] as const))('known difference occurs: %s', ([name, difference]) => {
    expect(run().judgement.explained.get(name) ?? 0, difference.why).toBeGreaterThan(0);
  });
}
