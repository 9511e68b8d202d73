/**
 * The data of an Authentication-Results header field (RFC 8601 §2.2), shared by the builders and
 * the parser so that `parse(format(x))` gives back `x`.
 */

/**
 * RFC 8601 §2.3: the property types of the IANA "Email Authentication Property Types" registry:
 * the four of RFC 8601 and `dns`, added by RFC 8904 (DNSWL).
 */
export type Ptype = 'smtp' | 'header' | 'body' | 'policy' | 'dns';

/** One `ptype.property=value` of a result, e.g. `header.d=example.com`. */
export interface ResultProperty {
  ptype: Ptype;
  /** e.g. `mailfrom`, `helo`, `d`, `i`, `s`, `a`, `b`, `from`, `dmarc`. */
  property: string;
  value: string;
  /** A comment written after the value, without its parentheses. */
  comment?: string;
}

/**
 * A `ptype.property=value` whose ptype is not in the IANA registry (e.g. `bar.baz=blob` in
 * RFC 8601 §2.7.6). It is valid syntax (`ptype = Keyword`, §2.2), so the parser keeps it, but
 * RFC 8601 §2.3 and §4.1 say a result reported with such a ptype MUST NOT be used for handling
 * decisions.
 */
export interface ExtensionProperty {
  /** A keyword that is not one of `Ptype`, lower case. */
  ptype: string;
  property: string;
  value: string;
  /** A comment written after the value, without its parentheses. */
  comment?: string;
}

/** One `method=result` of the field (RFC 8601 §2.7), e.g. `dkim=pass`. */
export interface MethodResult {
  /** `spf`, `dkim`, `dmarc`, `arc`, `auth`, `iprev`..., lower case. */
  method: string;
  /** Method version, written `method/version`; absent means 1 (RFC 8601 §2.2). The parser sets
   * it only when the field writes one. */
  version?: number;
  /** The result string of the method, e.g. `pass`, `fail`, `none`. */
  result: string;
  /** A comment written right after the result, without its parentheses (e.g. `p=reject dis=reject`). */
  comment?: string;
  /** The `reason=` text. */
  reason?: string;
  properties: ResultProperty[];
  /**
   * Properties with an unregistered ptype, written after `properties`. When present, RFC 8601
   * §4.1 requires consumers to ignore this result.
   */
  extensionProperties?: ExtensionProperty[];
}

/** A whole Authentication-Results value. An empty `results` list is written `none` (§2.2). */
export interface AuthenticationResults {
  authservId: string;
  /** The field version after the authserv-id; absent means 1, the only version there is
   * (RFC 8601 §2.6). The parser sets it only when the field writes one. */
  version?: number;
  results: MethodResult[];
}

/**
 * The content of a Received-SPF header field (RFC 7208 §9.1). The named members are the keys
 * the RFC defines; `extensions` holds the others ("Other keys MAY be defined by SPF verifiers").
 */
export interface ReceivedSpfData {
  /** `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror` or `permerror`. */
  result: string;
  /** The `(...)` text after the result, without its parentheses. */
  comment?: string;
  /** `client-ip`: the IP address of the SMTP client. */
  clientIp?: string;
  /** `envelope-from`: the envelope sender mailbox. */
  envelopeFrom?: string;
  /** `helo`: the host name given in HELO or EHLO. */
  helo?: string;
  /** `receiver`: the host name of the SPF verifier. */
  receiver?: string;
  /** `identity`: `mailfrom`, `helo`, or another identity name. */
  identity?: 'mailfrom' | 'helo' | (string & {});
  /** `mechanism`: the mechanism that matched, or `default`. */
  mechanism?: string;
  /** `problem`: details of an error result. */
  problem?: string;
  /** Other keys, in field order; keys are lower case. */
  extensions?: Array<{ key: string; value: string }>;
}
