/**
 * trimMappings on the real kernel (native/halb_trim.c): the pages of this
 * process's executable that start-up mapped are given back (its file-backed
 * RSS falls), and the process goes on running code from those pages. And
 * mallocTrim: free pages between live malloc chunks go back to the kernel.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { halbSys } from '../../src/platform/halb-sys';

/** kB of `path` mapped in this process (sum of Rss over its mappings). */
function mappedKb(path: string): number {
  let kb = 0;
  let ours = false;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s+(.*)$/.exec(line);
    if (head) ours = head[1] === path;
    else if (ours && line.startsWith('Rss:')) kb += Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  return kb;
}

describe('trimMappings', () => {
  it("gives back the executable's mapped pages and the process runs on", () => {
    const exe = fs.realpathSync(process.execPath);
    const before = mappedKb(exe);
    const said = halbSys().trimMappings(exe);
    const after = mappedKb(exe);
    assert.ok(before > 0, 'the executable is mapped');
    assert.ok(said > 0 && said <= before, `reported ${said} kB of ${before} kB`);
    assert.ok(after < before / 2, `mapped ${before} kB before, ${after} kB after`);
    // Code in the trimmed pages faults back in from the page cache.
    assert.equal(JSON.parse(JSON.stringify({ a: [1, 2, 3] })).a.length, 3);
    assert.match(new Date(0).toISOString(), /^1970/);
    assert.ok(mappedKb(exe) > after, 'pages fault back in as code runs');
  });
});

/** This process's anonymous resident memory, kB. */
function anonKb(): number {
  return Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

describe('mallocTrim', () => {
  it('gives back the free pages malloc keeps between live chunks', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // 40 MB in 8 KB buffers (malloc'd, below its mmap threshold); every 16th
    // stays, so the freed ones are holes malloc cannot give back at its top.
    let bufs: Buffer[] = Array.from({ length: 5000 }, () => Buffer.alloc(8192, 1));
    const allocated = anonKb();
    const kept = bufs.filter((_, i) => i % 16 === 0);
    bufs = [];
    // V8 frees dead buffers' memory on a background thread after a collection.
    let after = allocated;
    for (let i = 0; i < 10 && after > allocated - 20000; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 200));
      halbSys().mallocTrim();
      after = anonKb();
    }
    assert.ok(after < allocated - 20000, `anon ${allocated} kB allocated, ${after} kB after`);
    assert.equal(kept[0]?.[0], 1, 'live chunks are untouched');
  });
});
