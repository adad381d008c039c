/** `halb checkers` (hidden): the health-checker child process; the daemon feeds it on stdin. */
import { runCheckerChild } from '../../checkers/child';

export function checkersCommand(logDetail: boolean): Promise<number> {
  return runCheckerChild({ logDetail });
}
