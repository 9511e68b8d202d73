/** Header fields are folded with CRLF (RFC 5322 §2.2.3); a terminal or a text file wants LF. */
export function withLf(field: string): string {
  return field.replace(/\r\n/g, '\n');
}
