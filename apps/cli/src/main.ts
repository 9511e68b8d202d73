#!/usr/bin/env node
/**
 * authgate: check a message, a domain, or a whole mailbox for SPF (RFC 7208), DKIM (RFC 6376)
 * and DMARC (RFC 9989), from the command line.
 */
import { run } from './cli.js';

// A reader that goes away (`authgate check ... | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C in the middle of a batch: erase the progress bar, so the shell prompt starts on a clean
// line, and end as a shell expects of an interrupted command (128 + SIGINT).
process.once('SIGINT', () => {
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K');
  process.exit(130);
});

process.exitCode = await run(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, env: process.env },
  stdin: process.stdin,
});
