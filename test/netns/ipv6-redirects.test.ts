/**
 * The IPv6 NAT redirect rule on the real kernel: halb's nf_tables messages
 * (ipvs/ipv6-redirects.ts) make the same ruleset as `nft -f` makes from its
 * text (nft is the oracle), and installing it again (a restart) still leaves
 * exactly one table with one rule.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Lab } from '../rigs/netns-lab';

const RULESET = `table ip6 halb_nat {
	chain out {
		type filter hook output priority filter; policy accept;
		meta l4proto ipv6-icmp icmpv6 type nd-redirect drop
	}
}
`;
const MODULE = path.resolve(__dirname, '../../src/ipvs/ipv6-redirects.js');
const INSTALL = `require(${JSON.stringify(MODULE)}).dropIpv6Redirects().then(() => console.log('ok'), (e) => { console.error(e.message); process.exit(1); })`;

describe('IPv6 NAT: ICMPv6 redirects dropped with nf_tables', () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ hosts: ['halb', 'nft'] });
  });
  after(async () => {
    await lab?.dispose();
  });
  const ruleset = async (host: string): Promise<string> =>
    (await lab.exec(host, ['nft', 'list', 'ruleset'])).stdout;

  it('halb installs what nft makes of the text, and a second install replaces it', async () => {
    const loaded = await lab.exec('nft', ['nft', '-f', '-'], { input: RULESET });
    assert.equal(loaded.code, 0, loaded.stderr);
    const oracle = await ruleset('nft');
    assert.match(oracle, /nd-redirect drop/);
    for (let i = 0; i < 2; i++) {
      const r = await lab.exec('halb', [process.execPath, '-e', INSTALL]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await ruleset('halb'), oracle, `install ${i + 1}`);
    }
  });
});
