/**
 * Colour for verdict words, only where a person is looking: on a TTY, never when the NO_COLOR
 * environment variable is set to anything non-empty (https://no-color.org), and never on a
 * terminal that says it cannot show it (TERM=dumb, as Emacs shell buffers set it).
 */

export interface Painter {
  /** Colours a verdict word by what it means: pass green, fail red, and so on. */
  verdict(word: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const CODES = { red: 31, green: 32, yellow: 33, magenta: 35, bold: 1, dim: 2 } as const;

/** Which colour each result string of RFC 8601 and RFC 9989 gets. */
const VERDICT_COLOUR: Record<string, keyof typeof CODES> = {
  pass: 'green',
  fail: 'red',
  reject: 'red',
  softfail: 'yellow',
  quarantine: 'yellow',
  policy: 'yellow',
  temperror: 'magenta',
  permerror: 'magenta',
  none: 'dim',
  neutral: 'dim',
};

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function painter(enabled: boolean): Painter {
  if (!enabled) return { verdict: (word) => word, bold: (text) => text, dim: (text) => text };
  const wrap = (code: number, text: string): string => `\u001b[${code}m${text}\u001b[0m`;
  return {
    verdict: (word) => {
      const colour = VERDICT_COLOUR[word];
      return colour === undefined ? word : wrap(CODES[colour], word);
    },
    bold: (text) => wrap(CODES.bold, text),
    dim: (text) => wrap(CODES.dim, text),
  };
}

/** Colours every `method=result` in a header field value, e.g. `dkim=pass`. */
export function paintResults(text: string, paint: Painter): string {
  return text.replace(/\b(spf|dkim|dmarc|arc|iprev|auth)=([a-z]+)/g, (_all, method: string, result: string) =>
    `${method}=${paint.verdict(result)}`);
}
