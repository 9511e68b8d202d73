import { round } from './stats.js';
import { runLoad, type LoadOptions } from './smtp-load.js';
import type { ServerProcess } from './smtp-process.js';
import type { Run } from './smtp-report.js';

/** One load run, with the CPU time the server, the sink and the clients spent on it. */
export async function measureRun(server: ServerProcess, sink: ServerProcess, options: LoadOptions): Promise<Run> {
  const before = await Promise.all([server.usage(), sink.usage()]);
  const client = process.cpuUsage();
  const result = await runLoad(options);
  const clientCpu = process.cpuUsage(client);
  const after = await Promise.all([server.usage(), sink.usage()]);
  const perMessage = (micros: number) => round(micros / 1000 / Math.max(1, result.accepted + result.failed), 3);
  return {
    ...result,
    serverCpuMsPerMessage: perMessage(after[0].cpuMicros - before[0].cpuMicros),
    sinkCpuMsPerMessage: perMessage(after[1].cpuMicros - before[1].cpuMicros),
    clientCpuMsPerMessage: perMessage(clientCpu.user + clientCpu.system),
    serverLoop: {
      onCore: round((after[0].mainThread.onCoreMicros - before[0].mainThread.onCoreMicros) / 1000 / result.elapsedMs, 2),
      waiting: round((after[0].mainThread.waitMicros - before[0].mainThread.waitMicros) / 1000 / result.elapsedMs, 2),
    },
  };
}
