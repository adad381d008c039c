/** `halb checkers` (hidden): the health-checker child process; the daemon feeds it on stdin. */
import { runCheckerChild } from '../../checkers/child';

export async function checkersCommand(logDetail: boolean): Promise<number> {
  const code = await runCheckerChild({ logDetail });
  // Checks still in flight (a connect_timeout, a ping) must not hold the exit back.
  setImmediate(() => process.exit(code));
  return code;
}
