import { expect, test } from 'vitest';
import { parseAuthservId } from '@authgate/authres';

// RFC 8601 §5: the SMTP filter deletes fields claiming its authserv-id, so the reader must find
// the id however the rest of the field is mangled, and read it the way a lax consumer would.
test.for<[string, string | undefined, string]>([
  ['example.com; spf=pass smtp.mailfrom=a.example', 'example.com', 'a well-formed field'],
  ['example.com', 'example.com', 'no results at all'],
  ['  example.com;', 'example.com', 'white space before'],
  ['\r\n\texample.com; none', 'example.com', 'folded before the id'],
  ['\n example.com; none', 'example.com', 'bare-LF folding before the id'],
  ['(by us) example.com; none', 'example.com', 'a comment before the id'],
  ['(nested (comment) \\) ) example.com; none', 'example.com', 'a nested comment with a quoted ")"'],
  ['example.com(comment); none', 'example.com', 'a comment right after the id'],
  ['"example.com"; none', 'example.com', 'a quoted id'],
  ['" example.com "; none', 'example.com', 'a quoted id with padding (a lax consumer trims it)'],
  ['"exam\\ple.com"; none', 'example.com', 'a quoted-pair in a quoted id'],
  ['"example\r\n .com"; none', 'example .com', 'a fold inside a quoted id is unfolded'],
  ['"example.com\\\r\n\t"; none', 'example.com', 'a quoted-pair of the WSP after a fold (trimmed)'],
  ['"a\\\r\n\tb"; none', 'a\tb', 'a quoted-pair of the WSP after a fold'],
  ['"example.com; dkim=pass', 'example.com', 'an unterminated quote ends at ";"'],
  ['example.com/extra; dkim=pass', 'example.com', 'a tspecial ends an unquoted id'],
  ['example.com:25; dkim=pass', 'example.com', '":" ends an unquoted id'],
  ['example.com 2; anything goes', 'example.com', 'an unknown version (the field is unparseable, the id is not)'],
  ['example.com; dmarc=pass action=none', 'example.com', 'a malformed rest'],
  ['\u00a0example.com\u00a0; none', 'example.com', 'NO-BREAK SPACE around the id (JavaScript trim() removes it)'],
  ['\ufeffexample.com; none', 'example.com', 'a byte-order mark before the id'],
  ['\x00\x01example.com; none', 'example.com', 'control characters before the id'],
  ['example.com\x00evil; none', 'example.com', 'a NUL ends the id'],
  ['bücher.example; none', 'bücher.example', 'a UTF-8 id (RFC 8601 §2.5)'],
  ['EXAMPLE.COM; none', 'EXAMPLE.COM', 'case is kept; compare case-insensitively'],
  ['', undefined, 'an empty value'],
  ['   \t ', undefined, 'white space only'],
  ['(a)(b)(c)', undefined, 'comments only'],
  ['(unterminated example.com; none', undefined, 'everything inside an unterminated comment'],
  ['; spf=pass', undefined, 'no id before ";"'],
  ['""; none', undefined, 'an empty quoted id'],
  ['")"', ')', 'a quoted parenthesis'],
  [') example.com; none', undefined, 'a stray ")" where the id should be'],
  [`${'('.repeat(100_000)}x`, undefined, 'deep nesting, never closed'],
  [`${'('.repeat(100_000)}${')'.repeat(100_000)} example.com`, 'example.com', 'deep nesting, closed'],
])('%j reads as %j (%s)', ([value, expected]) => {
  expect(parseAuthservId(value)).toBe(expected);
});
