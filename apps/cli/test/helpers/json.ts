/**
 * Reads what `--json` prints: JSON objects one after another (pretty-printed, each ended by a
 * newline), as `jq` reads them. Fails the test on anything else between or inside them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test data, checked by expect
export function jsonObjects<T = any>(text: string): T[] {
  const objects: T[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) {
        if (text.slice(start, i).trim() !== '') throw new Error(`not JSON between objects: ${JSON.stringify(text.slice(start, i))}`);
        start = i;
      }
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) {
        objects.push(JSON.parse(text.slice(start, i + 1)));
        start = i + 1;
      }
    }
  }
  if (text.slice(start).trim() !== '') throw new Error(`not JSON after the last object: ${JSON.stringify(text.slice(start))}`);
  return objects;
}

/** Reads what `--jsonl` prints: one compact JSON object per line. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test data, checked by expect
export function jsonLines<T = any>(text: string): T[] {
  if (!text.endsWith('\n')) throw new Error('--jsonl output must end with a newline');
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as T);
}
