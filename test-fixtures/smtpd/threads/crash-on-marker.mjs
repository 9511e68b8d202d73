// A verification thread for the pool's tests: it ends the thread (exit code 3) on a message
// containing "crash-thread", and answers any other message with an empty report and one DNS
// observation, so that the pool's handling of both can be checked without the real verifier.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, message }) => {
  if (Buffer.from(message.head).includes('crash-thread')) process.exit(3);
  parentPort.postMessage({ type: 'report', id, ok: true, report: { bytes: message.head.byteLength }, dns: [{ type: 'TXT', outcome: 'ok', seconds: 0.001 }] });
});
parentPort.postMessage({ type: 'ready' });
