/**
 * A minimal SMTP server for tests, run inside a lab host (its own process, in
 * the host's namespace): accepts every command, and prints each line it
 * receives as `C: line`, each message's DATA as one `MSG <json>` line.
 */
import type { Lab } from './netns-lab';
import type { Proc } from './process';

const SERVER = `
const net = require('net');
net.createServer((s) => {
  s.on('error', () => {}); // a health check that only connects and leaves
  s.setEncoding('latin1');
  let buf = '', data = null;
  const say = (l) => s.write(l + '\\r\\n');
  say('220 sink ready');
  s.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\\r\\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 2);
      if (data !== null) {
        if (line === '.') { console.log('MSG ' + JSON.stringify(data.join('\\n'))); data = null; say('250 queued'); }
        else data.push(line);
        continue;
      }
      console.log('C: ' + line);
      if (/^DATA/i.test(line)) { data = []; say('354 go ahead'); }
      else if (/^QUIT/i.test(line)) { say('221 bye'); s.end(); }
      else say('250 ok');
    }
  });
}).listen(25, () => console.log('listening'));
`;

export async function startSmtpSink(lab: Lab, host: string): Promise<Proc> {
  const p = lab.spawn(host, [process.execPath, '-e', SERVER]);
  await p.waitFor(/listening/, 10000, 'the SMTP sink to listen');
  return p;
}

/** The messages the sink received, in order. */
export function sinkMessages(p: Proc): string[] {
  return [...p.output.matchAll(/^MSG (.*)$/gm)].map((m) => JSON.parse(m[1] as string) as string);
}
