import { readFileSync } from 'node:fs';
import type { AuthenticationResults, ReceivedSpfData } from '@authgate/authres';

export interface ExampleCase<T> {
  /** Where the example was copied from. */
  origin: string;
  /** The field value after the colon, with its folding. */
  value: string;
  expected: T;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test-fixtures/authres/${name}`, import.meta.url), 'utf8')) as T;
}

export function authenticationResultsExamples(): Array<ExampleCase<AuthenticationResults>> {
  return load('authentication-results-examples.json');
}

export function receivedSpfExamples(): Array<ExampleCase<ReceivedSpfData>> {
  return load('received-spf-examples.json');
}

/** The lines of a folded field, split at its CRLFs. */
export function lines(field: string): string[] {
  return field.split('\r\n');
}

/** RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space. */
export function unfold(field: string): string {
  return field.replace(/\r\n(?=[ \t])/g, '');
}

/** Columns of a line as a terminal shows it at most: a TAB as 8, other characters as UTF-8 octets. */
export function columns(line: string): number {
  return Buffer.byteLength(line.replace(/\t/g, ' '.repeat(8)), 'utf8');
}
