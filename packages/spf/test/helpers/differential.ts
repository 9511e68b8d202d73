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
