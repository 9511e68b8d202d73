import type { DmarcCase } from './maildmarc-cases.js';

/** `result/disposition`, as both sides are compared. */
export type Outcome = string;

/**
 * Where Mail::DMARC 1.20211209 (libmail-dmarc-perl) and @authgate/dmarc in RFC 7489 mode disagree,
 * and why: each difference names the feature of a case that causes it, the RFC 7489 text that
 * decides, and, where it can be told, what Mail::DMARC says instead. Every other case must agree.
 */
export interface KnownDifference {
  id: string;
  why: string;
  /** Whether the case has the feature. */
  applies: (c: DmarcCase) => boolean;
  /** Mail::DMARC's outcome when this is the case's only listed feature, from ours. */
  theirs?: (ours: Outcome) => Outcome;
}

/** A TXT record at a `_dmarc` name: its strings, and their concatenation (RFC 7489 §6.1). */
interface Published {
  strings: string[];
  text: string;
}

/** Either side's reading of "starts with a v= tag" (RFC 7489 §6.6.3 steps 2 and 4), at its loosest. */
const LOOKS_LIKE_DMARC = /^v[ \t]*=[ \t]*dmarc1/i;

/**
 * The TXT records at the names RFC 7489 §6.6.3 consults: the author domain's, and the
 * Organizational Domain's when the author domain publishes nothing that either side could take for
 * a DMARC record.
 */
function consulted(c: DmarcCase): Published[] {
  const at = (records: string[][]) => records.map((strings) => ({ strings, text: strings.join('') }));
  const author = at(c.txt.author);
  if (c.author === c.organizational || author.some((r) => LOOKS_LIKE_DMARC.test(r.text))) return author;
  return [...author, ...at(c.txt.organizational)];
}

/**
 * The DMARC records consulted whose version tag both sides can read as one (a v value of DMARC1
 * in any case), each as its tags: lower-case names, values as written.
 */
function records(c: DmarcCase): Array<Array<[string, string]>> {
  return consulted(c)
    .map((r) =>
      r.text
        .split(';')
        .map((part) => part.trim())
        .filter((part) => part.includes('='))
        .map((part) => [part.slice(0, part.indexOf('=')).trim().toLowerCase(), part.slice(part.indexOf('=') + 1).trim()] as [string, string]),
    )
    .filter((record) => record[0]?.[0] === 'v' && record[0][1].toUpperCase() === 'DMARC1');
}

function tag(record: Array<[string, string]>, name: string): string | undefined {
  return record.find(([n]) => n === name)?.[1];
}

/** The tags RFC 7489 §6.3 defines; a repeated unknown tag is ignored like any unknown tag. */
const TAGS_7489 = ['v', 'p', 'sp', 'adkim', 'aspf', 'fo', 'rua', 'ruf', 'pct', 'rf', 'ri'];
const POLICY = /^(none|quarantine|reject)$/i;
const invalidP = (record: Array<[string, string]>) => tag(record, 'p') !== undefined && !POLICY.test(tag(record, 'p')!);
const invalidSp = (record: Array<[string, string]>) => tag(record, 'sp') !== undefined && !POLICY.test(tag(record, 'sp')!);
const hasRua = (record: Array<[string, string]>) => tag(record, 'rua')?.startsWith('mailto:') === true;

const STEP_DOWN: Record<string, string> = { reject: 'quarantine', quarantine: 'none', none: 'none' };

/**
 * Mail::DMARC's validate() starts from `fail` with disposition `none` and returns that whenever
 * policy discovery gives up; RFC 7489 §6.6.3 steps 5 and 6.2 say DMARC is then not applied to the
 * message at all, which we report as `none` (no usable record) or `permerror` (a broken one).
 */
const REPORTS_FAIL = 'reports the message as fail (disposition none), the result its validate() starts from, although RFC 7489 §6.6.3 steps 5 and 6.2 say DMARC processing is not applied to it';

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'author domain not in DNS',
    why:
      'Neither the author domain nor its Organizational Domain has an MX, NS, A or AAAA record: Mail::DMARC stops with none ' +
      '("not in DNS"), the domain existence test of the pre-standard draft. RFC 7489 Appendix A.4 says that test was removed ' +
      'from the protocol (its error rate was too high), so we apply the published policy.',
    applies: (c) => !c.exists.author && !c.exists.organizational,
    theirs: () => 'none/none',
  },
  {
    id: 'version value in another case',
    why:
      'RFC 7489 §6.3: the v value "MUST match precisely" DMARC1 (§6.4 spells it %x44 %x4d %x41 %x52 %x43 %x31), so "v=dmarc1" ' +
      'is not a DMARC record and is discarded (§6.6.3 step 2). Mail::DMARC compares the first eight characters lower-cased.',
    applies: (c) => consulted(c).some((r) => /^v[ \t]*=[ \t]*dmarc1/i.test(r.text) && !/^[vV][ \t]*=[ \t]*DMARC1/.test(r.text)),
  },
  {
    id: 'white space around the version "="',
    why:
      'RFC 7489 §6.4: dmarc-version = "v" *WSP "=" *WSP "DMARC1", so "v = DMARC1" starts a DMARC record. Mail::DMARC only ' +
      'takes records whose first eight characters are "v=dmarc1" and discards it.',
    applies: (c) => consulted(c).some((r) => /^v([ \t]+=|=[ \t]+)/i.test(r.text)),
  },
  {
    id: 'version split across character-strings',
    why:
      'RFC 7489 §6.1: the character-strings of a TXT record MUST be concatenated and parsed as one string. Mail::DMARC tests ' +
      'the "v=dmarc1" prefix on Net::DNS txtdata in scalar context, which joins the strings with a space, so a record whose ' +
      'first string is shorter than eight characters is discarded.',
    applies: (c) => consulted(c).some((r) => r.strings.length > 1 && r.strings[0]!.length < 8 && LOOKS_LIKE_DMARC.test(r.text)),
  },
  {
    id: 'no separator after the version',
    why:
      'In "v=DMARC1 p=reject" the v value is "DMARC1 p=reject", which does not match DMARC1 precisely (RFC 7489 §6.3): the ' +
      `record is discarded and no policy applies. Mail::DMARC takes it for a DMARC record, fails to parse it, and ${REPORTS_FAIL}.`,
    applies: (c) => consulted(c).some((r) => /^v=DMARC1[ \t]+[^; \t]/.test(r.text)),
    theirs: () => 'fail/none',
  },
  {
    id: 'several DMARC records at one name',
    why: `RFC 7489 §6.6.3 step 5: several records end policy discovery and DMARC is not applied (we report none). Mail::DMARC ${REPORTS_FAIL}.`,
    applies: (c) => {
      const atAuthor = c.txt.author.filter((strings) => LOOKS_LIKE_DMARC.test(strings.join(''))).length;
      const atOrganizational = c.txt.organizational.filter((strings) => LOOKS_LIKE_DMARC.test(strings.join(''))).length;
      return atAuthor > 1 || (atAuthor === 0 && atOrganizational > 1);
    },
    theirs: () => 'fail/none',
  },
  {
    id: 'a repeated tag',
    why:
      'RFC 7489 §6.3: DMARC records follow the DKIM tag-value syntax, in which a tag appearing twice makes the whole tag-list ' +
      'invalid (RFC 6376 §3.2); we report permerror rather than guess which value the owner meant. Mail::DMARC keeps the last.',
    applies: (c) =>
      records(c).some((record) => {
        const known = record.map(([name]) => name).filter((name) => TAGS_7489.includes(name));
        return new Set(known).size < known.length;
      }),
  },
  {
    id: 'no valid p, or an invalid sp, and no rua',
    why: `RFC 7489 §6.6.3 step 6.2: without a valid p (REQUIRED, §6.3), or with an invalid sp, and without a valid rua, no DMARC processing is applied; we report permerror. Mail::DMARC ${REPORTS_FAIL}.`,
    applies: (c) => records(c).some((record) => (tag(record, 'p') === undefined || invalidP(record) || invalidSp(record)) && !hasRua(record)),
    theirs: () => 'fail/none',
  },
  {
    id: 'an invalid p with a valid rua',
    why:
      'RFC 7489 §6.6.3 step 6.1: with an invalid p and a syntactically valid rua the receiver acts as if p=none had been ' +
      'published, so an aligned message passes. Mail::DMARC::Policy rejects the invalid p before that rule is reached, and ' +
      `${REPORTS_FAIL}.`,
    applies: (c) => records(c).some((record) => invalidP(record) && hasRua(record)),
    theirs: () => 'fail/none',
  },
  {
    id: 'pct that is not a number',
    why:
      'RFC 7489 §6.3: pct is an integer from 0 to 100 and "syntax errors in the remainder of the record SHOULD be discarded in ' +
      'favor of default values", so pct=abc is pct=100. Mail::DMARC compares "abc" as the number 0 and samples every message ' +
      'out, one level below the policy (§6.6.4).',
    applies: (c) => records(c).some((record) => tag(record, 'pct') !== undefined && !/^[0-9]+$/.test(tag(record, 'pct')!)),
    theirs: (ours) => `fail/${STEP_DOWN[ours.split('/')[1]!]}`,
  },
  {
    id: 'a capitalised reject sampled out by pct',
    why:
      'RFC 7489 §6.6.4: a message that pct samples out of "reject" is treated as "quarantine"; policy keywords are ' +
      'case-insensitive (RFC 5234 §2.3 for the §6.4 literals), so p=Reject is reject. Mail::DMARC validates the value ' +
      'case-insensitively but steps down with a case-sensitive comparison, so a sampled-out "Reject" becomes none.',
    applies: (c) =>
      records(c).some((record) => ['p', 'sp'].some((name) => /^reject$/i.test(tag(record, name) ?? '') && tag(record, name) !== 'reject') && tag(record, 'pct') !== undefined),
    theirs: () => 'fail/none',
  },
  {
    id: 'SPF domain in capitals',
    why:
      'RFC 7489 §3.1: domain names are compared case-insensitively (RFC 4343). Mail::DMARC lower-cases the From and DKIM ' +
      'domains but compares the SPF domain as given, so the author domain in capitals as the SPF domain does not align ' +
      'under aspf=s (relaxed mode lower-cases both Organizational Domains and aligns).',
    applies: (c) =>
      c.spf.result === 'pass' && c.spf.domain !== c.spf.domain.toLowerCase() && records(c).some((record) => tag(record, 'aspf')?.toLowerCase() === 's'),
  },
];
