/** `halb status`: asks the running daemon and prints a table or its JSON. */
import { request } from '../../control/client';
import { socketPath } from '../../control/protocol';
import { formatStatus, type DaemonStatus } from '../../core/status';

export async function statusCommand(
  runtimeDir: string,
  json: boolean,
  out: (s: string) => void,
): Promise<number> {
  const data = (await request(socketPath(runtimeDir), { op: 'status' })) as DaemonStatus;
  out(json ? JSON.stringify(data, null, 2) : formatStatus(data));
  return 0;
}
