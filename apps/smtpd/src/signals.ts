import type { ConfigResult } from './config/validate.js';
import { formatConfigProblem } from './errors.js';
import type { FilterServer } from './server/filter-server.js';

export interface SignalOptions {
  server: FilterServer;
  /** Reads and validates the configuration again (file, environment, flags). */
  reloadConfig: () => Promise<ConfigResult>;
  /** Called once the server is stopped, with the exit code. */
  exit: (code: number) => void;
  /** The process to listen on (tests pass an emitter). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * SIGTERM (and SIGINT): drain and exit; a second signal exits at once.
 * SIGHUP: reload the configuration without dropping a connection; a configuration that fails
 * validation is refused with a log line and the running one stays.
 * Returns a function that removes the handlers.
 */
export function handleSignals(options: SignalOptions): () => void {
  const { server, exit } = options;
  const target = options.target ?? process;
  let stopping = false;
  let reloading = Promise.resolve();
  const stop = (signal: string) => {
    if (stopping) {
      server.logger.warn({ event: 'signal', signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    server.logger.info({ event: 'signal', signal }, 'stopping');
    server.drain().then((drained) => exit(drained ? 0 : 1), () => exit(1));
  };
  const reload = () => {
    reloading = reloading.then(async () => {
      const result = await options.reloadConfig().catch((error: Error) => ({ ok: false as const, problems: [{ code: 'config-unreadable' as const, path: '', message: error.message }] }));
      if (!result.ok) {
        server.metrics.reloads.inc({ outcome: 'refused' });
        server.logger.error({ event: 'reload-refused', problems: result.problems }, `configuration refused, keeping the running one:\n${result.problems.map(formatConfigProblem).join('\n')}`);
        return;
      }
      server.reload(result.config);
      server.metrics.reloads.inc({ outcome: 'applied' });
    });
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  target.on('SIGTERM', onTerm);
  target.on('SIGINT', onInt);
  target.on('SIGHUP', reload);
  return () => {
    target.off('SIGTERM', onTerm);
    target.off('SIGINT', onInt);
    target.off('SIGHUP', reload);
  };
}
