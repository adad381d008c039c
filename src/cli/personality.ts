/** Which command line to speak: halb's own, or keepalived's through a link of that name. */
import * as path from 'node:path';

export function personality(argv0: string, env: NodeJS.ProcessEnv): 'halb' | 'keepalived' {
  if (env.HALB_PERSONALITY === 'keepalived') return 'keepalived';
  return path.basename(argv0) === 'keepalived' ? 'keepalived' : 'halb';
}
