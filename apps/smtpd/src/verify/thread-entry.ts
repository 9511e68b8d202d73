import { parentPort, workerData } from 'node:worker_threads';
import { authenticate, createResolver, type MessageInput } from 'authgate';
import { observedResolver, type DnsObservation } from '../dns-observer.js';
import { fileChunks, type SpooledMessage } from '../spool.js';
import type { ThreadMessage, ThreadSetup, VerifyRequest } from './protocol.js';

/**
 * A verification thread: runs `authenticate()` for each message the event loop sends, with a
 * resolver (and cache) of its own, so that a message costs the loop two posts and no DNS. A
 * message larger than the spool's memory part is read from the spool file here, by descriptor.
 */
const setup = workerData as ThreadSetup;
const port = parentPort!;
const asked: DnsObservation[] = [];
const resolver = observedResolver(await createResolver(setup.dns), (observation) => asked.push(observation));

port.on('message', (request: VerifyRequest) => {
  const { id, message, options } = request;
  authenticate(input(message), { ...options, now: () => options.now, resolver }).then(
    (report) => post({ type: 'report', id, dns: asked.splice(0), ok: true, report }),
    (error: unknown) => post({ type: 'report', id, dns: asked.splice(0), ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
post({ type: 'ready' });

/** The message as `authenticate()` takes it: whole when it was all in memory, else streamed from the spool file. */
function input({ head, file }: SpooledMessage): MessageInput {
  const whole = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (file === undefined) return whole;
  return (async function* () {
    yield whole;
    yield* fileChunks(file.fd, 0, file.length);
  })();
}

function post(message: ThreadMessage): void {
  port.postMessage(message);
}
