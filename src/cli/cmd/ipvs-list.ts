/**
 * Test entry into the IPVS client, not in `halb help`: `halb ipvs-list [--json]`,
 * the kernel's table as ipvsadm -Ln shows it, or as JSON with the globals.
 */
import { IpvsClient } from '../../ipvs/client';
import { formatTable } from '../../ipvs/format';

type Out = (s: string) => void;

export async function ipvsListCommand(json: boolean, out: Out): Promise<number> {
  const client = await IpvsClient.open();
  try {
    const table = await client.list();
    if (json) {
      const [info, timeouts, syncDaemons] = await Promise.all([
        client.info(),
        client.timeouts(),
        client.syncDaemons(),
      ]);
      out(JSON.stringify({ info, timeouts, syncDaemons, table }, null, 2));
    } else out(formatTable(table).join('\n'));
    return 0;
  } finally {
    client.dispose();
  }
}
