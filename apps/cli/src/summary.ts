import type { Painter } from './colour.js';
import { dkimFails, dmarcFails, spfFails, type Method } from './verdict.js';

/** The verdicts of one message that the summary counts. */
export interface Tallied {
  spf?: { result: string; domain: string };
  dkim?: ReadonlyArray<{ result: string; domain?: string }>;
  dmarc?: { result: string; authorDomain?: string };
}

export interface SummaryJson {
  messages: number;
  /** Inputs that could not be checked (unreadable, not an email, no envelope...). */
  errors: number;
  spf?: Record<string, number>;
  /** Counted per signature; `none` for an unsigned message. */
  dkim?: Record<string, number>;
  dmarc?: Record<string, number>;
  topFailingDomains: Array<{ domain: string; spf: number; dkim: number; dmarc: number }>;
}

const TOP = 10;
/** Results are listed in this order (RFC 8601 names), the good news first. */
const RESULT_ORDER = ['pass', 'fail', 'softfail', 'neutral', 'policy', 'none', 'temperror', 'permerror'];

function rank(result: string): number {
  const index = RESULT_ORDER.indexOf(result);
  return index === -1 ? RESULT_ORDER.length : index;
}

/** Counts per result and per failing domain over a batch. */
export class Summary {
  #messages = 0;
  #errors = 0;
  readonly #counts: Partial<Record<Method, Map<string, number>>> = {};
  readonly #failing = new Map<string, Record<Method, number>>();

  add(verdicts: Tallied): void {
    this.#messages += 1;
    if (verdicts.spf !== undefined) {
      this.#count('spf', verdicts.spf.result);
      if (spfFails(verdicts.spf.result)) this.#fail(verdicts.spf.domain, 'spf');
    }
    if (verdicts.dkim !== undefined) {
      for (const signature of verdicts.dkim) this.#count('dkim', signature.result);
      if (dkimFails(verdicts.dkim)) {
        const domains = new Set(verdicts.dkim.map((signature) => signature.domain).filter((domain) => domain !== undefined));
        for (const domain of domains) this.#fail(domain, 'dkim');
      }
    }
    if (verdicts.dmarc !== undefined) {
      this.#count('dmarc', verdicts.dmarc.result);
      if (dmarcFails(verdicts.dmarc.result)) this.#fail(verdicts.dmarc.authorDomain, 'dmarc');
    }
  }

  addError(): void {
    this.#errors += 1;
  }

  toJSON(): SummaryJson {
    const json: SummaryJson = { messages: this.#messages, errors: this.#errors, topFailingDomains: this.#top() };
    for (const method of ['spf', 'dkim', 'dmarc'] as const) {
      const counts = this.#counts[method];
      if (counts !== undefined) json[method] = Object.fromEntries([...counts].sort((a, b) => rank(a[0]) - rank(b[0]) || compare(a[0], b[0])));
    }
    return json;
  }

  /** The text form: one line per method, then the top failing domains. */
  lines(paint: Painter): string[] {
    const json = this.toJSON();
    const head = `${json.messages} message${json.messages === 1 ? '' : 's'} checked`;
    const lines = [paint.bold(json.errors > 0 ? `${head}, ${json.errors} could not be checked` : head)];
    const labels = { spf: 'SPF:  ', dkim: 'DKIM: ', dmarc: 'DMARC:' } as const;
    for (const method of ['spf', 'dkim', 'dmarc'] as const) {
      const counts = json[method];
      if (counts === undefined) continue;
      lines.push(`  ${labels[method]} ${Object.entries(counts).map(([result, n]) => `${paint.verdict(result)} ${n}`).join(', ')}`);
    }
    if (json.topFailingDomains.length > 0) {
      lines.push('Top failing domains:');
      const width = Math.max(...json.topFailingDomains.map((entry) => entry.domain.length));
      for (const entry of json.topFailingDomains) {
        const parts = (['dmarc', 'spf', 'dkim'] as const).filter((method) => entry[method] > 0).map((method) => `${method} ${entry[method]}`);
        lines.push(`  ${entry.domain.padEnd(width)}  ${parts.join(', ')}`);
      }
    }
    return lines;
  }

  #count(method: Method, result: string): void {
    const counts = (this.#counts[method] ??= new Map());
    counts.set(result, (counts.get(result) ?? 0) + 1);
  }

  #fail(domain: string | undefined, method: Method): void {
    if (domain === undefined || domain === '') return;
    const entry = this.#failing.get(domain) ?? { spf: 0, dkim: 0, dmarc: 0 };
    entry[method] += 1;
    this.#failing.set(domain, entry);
  }

  #top(): SummaryJson['topFailingDomains'] {
    const total = (entry: Record<Method, number>): number => entry.spf + entry.dkim + entry.dmarc;
    return [...this.#failing]
      .sort((a, b) => total(b[1]) - total(a[1]) || compare(a[0], b[0]))
      .slice(0, TOP)
      .map(([domain, entry]) => ({ domain, ...entry }));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
