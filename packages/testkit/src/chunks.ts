/**
 * An async iterable yielding `bytes` cut at the given offsets (sorted, within bounds): how the
 * streaming parsers and verifiers are fed the same message in every possible chunking.
 */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}
