/** `halb status`: asks the running daemon and prints a table or its JSON. */
import { request } from '../../control/client';
import { socketPath } from '../../control/protocol';
import { formatStatus, type DaemonStatus } from '../../core/status';
import { formatSupervisorView, readSupervisorView } from '../../supervisor/view-format';

export async function statusCommand(
  runtimeDir: string,
  json: boolean,
  out: (s: string) => void,
): Promise<number> {
  const data = (await request(socketPath(runtimeDir), { op: 'status' })) as DaemonStatus;
  const supervisor = readSupervisorView(runtimeDir);
  if (json) out(JSON.stringify({ ...data, supervisor }, null, 2));
  else out(formatStatus(data) + (supervisor ? '\n' + formatSupervisorView(supervisor) : ''));
  return 0;
}
