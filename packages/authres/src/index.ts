/**
 * @authgate/authres: writes and reads the header fields that report sender authentication:
 * Authentication-Results (RFC 8601, with the lexical rules of RFC 5322 §3.2 and RFC 2045 §5.1)
 * and Received-SPF (RFC 7208 §9.1).
 *
 * Builders fold at 78 columns (RFC 5322 §2.1.1) and throw only for data that has no form in
 * the RFC syntax; parsers return results and never throw.
 */
export { parseAuthservId } from './authserv-id.js';
export { AuthresError } from './errors.js';
export type { AuthresErrorCode, AuthresProblem, AuthresProblemCode } from './errors.js';
export { authenticationResultsField, formatAuthenticationResults } from './format.js';
export { parseAuthenticationResults } from './parse.js';
export type { AuthresParseResult } from './parse.js';
export { parseReceivedSpf } from './parse-received-spf.js';
export type { ReceivedSpfParseResult } from './parse-received-spf.js';
export { isRegisteredPtype } from './ptypes.js';
export { formatReceivedSpf, receivedSpfField } from './received-spf.js';
export type {
  AuthenticationResults,
  ExtensionProperty,
  MethodResult,
  Ptype,
  ReceivedSpfData,
  ResultProperty,
} from './types.js';
