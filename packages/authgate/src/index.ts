/**
 * authgate: email sender authentication in one call.
 *
 * `authenticate()` composes SPF (RFC 7208), DKIM (RFC 6376, 8301, 8463) and DMARC (RFC 9989, or
 * RFC 7489 in legacy mode) and writes Authentication-Results (RFC 8601) and Received-SPF. The
 * evaluator packages are re-exported so that one import serves an application.
 */
export { authenticate } from './authenticate.js';
export type { AuthenticateOptions, AuthenticationReport, MessageInput } from './authenticate.js';
export { stampHeaders } from './headers.js';
export type { StampContext, StampedHeaders } from './headers.js';
export { createResolver } from './resolver.js';
export type { ResolverOptions } from './resolver.js';

export * from '@authgate/dns';
export * from '@authgate/message';
export * from '@authgate/authres';
export * from '@authgate/spf';
export * from '@authgate/dkim';
export * from '@authgate/dmarc';
