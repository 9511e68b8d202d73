/**
 * @authgate/dmarc: Domain-based Message Authentication, Reporting, and Conformance.
 *
 * RFC 9989 (May 2026; policy discovery and Organizational Domains by the DNS Tree Walk, the `np`,
 * `psd` and `t` tags) by default, with an RFC 7489 legacy mode (Public Suffix List, `pct`, `rf`,
 * `ri`). Reporting URIs are parsed for RFC 9990/9991 reporters; results are the RFC 8601 names.
 * All DNS goes through an `@authgate/dns` Resolver; From fields are parsed by `@authgate/message`.
 */
export type { Alignment, AuthenticatedIdentifiers } from './alignment.js';
export { dmarcAuthResult } from './auth-result.js';
export { MAX_AUTHOR_DOMAINS } from './author.js';
export { discoverPolicy } from './discovery.js';
export type { PolicyDiscovery } from './discovery.js';
export type { DmarcErrorCode, DmarcProblem } from './errors.js';
export { evaluateDmarc } from './evaluate.js';
export type { DmarcEvaluation, DmarcResult, EvaluateDmarcInput } from './evaluate.js';
export type { DmarcQuery } from './lookup.js';
export { organizationalDomain } from './org-domain.js';
export type { OrganizationalDomainResult } from './org-domain.js';
export type { PolicySource, PolicyTags } from './policy.js';
export { pslOrganizationalDomain } from './psl.js';
export { formatDmarcRecord, parseDmarcRecord } from './record.js';
export type { DmarcRecord, DmarcRecordResult, ParseRecordOptions } from './record.js';
export type { AlignmentMode, DmarcMode, DmarcPolicy, FailureOption, TagName, TagValues } from './tags.js';
export { MAX_TREE_WALK_QUERIES, walkTargets } from './tree-walk.js';
export type { OrganizationalRule } from './tree-walk.js';
export { formatReportUri, parseReportUri } from './uri.js';
export type { ParseReportUriOptions, ReportUri, ReportUriResult, SizeUnit } from './uri.js';
