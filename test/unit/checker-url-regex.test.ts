/** A url's regex as keepalived applies it: offsets, no_match, options, patterns that cannot run. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ModelBlock } from '../../src/config/validate';
import { regexPasses, urlRegex } from '../../src/checkers/checks/url-regex';

const body = Buffer.from('<html>status: OK\nversion 2.2.7</html>');
const passes = (url: Record<string, unknown>, b = body): boolean => {
  const { regex, problems } = urlRegex(url as ModelBlock);
  assert.ok(regex, JSON.stringify(problems));
  return regexPasses(regex, b);
};

describe('url regex', () => {
  it('a match passes, no match fails; regex_no_match turns it round', () => {
    assert.equal(passes({ regex: 'status: OK' }), true);
    assert.equal(passes({ regex: 'status: DOWN' }), false);
    assert.equal(passes({ regex: 'status: OK', regex_no_match: true }), false);
    assert.equal(passes({ regex: 'status: DOWN', regex_no_match: true }), true);
    assert.equal(passes({ regex: 'version \\d+\\.\\d+\\.\\d+' }), true);
  });

  it('searches from regex_min_offset; a match must start by regex_max_offset', () => {
    const at = body.indexOf('status');
    assert.equal(passes({ regex: 'status', regex_min_offset: at }), true);
    assert.equal(passes({ regex: 'status', regex_min_offset: at + 1 }), false);
    assert.equal(passes({ regex: 'status', regex_max_offset: at }), true);
    assert.equal(passes({ regex: 'status', regex_max_offset: at - 1 }), false);
    assert.equal(passes({ regex: 'x', regex_min_offset: 10_000 }), false, 'past the end');
  });

  it('maps the options JavaScript has, warns about the others', () => {
    assert.equal(passes({ regex: 'STATUS: ok' }), false);
    assert.equal(passes({ regex: 'STATUS: ok', regex_options: ['caseless'] }), true);
    assert.equal(passes({ regex: '^version' }), false);
    assert.equal(passes({ regex: '^version', regex_options: ['multiline'] }), true);
    assert.equal(passes({ regex: 'OK.version', regex_options: ['dotall'] }), true);
    assert.equal(passes({ regex: 'é', regex_options: ['utf'] }, Buffer.from('café')), true);
    const w = urlRegex({ regex: 'a', regex_options: ['ungreedy'] } as unknown as ModelBlock);
    assert.equal(w.problems[0]?.severity, 'warning');
    assert.match(w.problems[0]?.message ?? '', /'ungreedy' \(PCRE2\) has no equivalent/);
    const u = urlRegex({ regex: 'a', regex_options: ['fast'] } as unknown as ModelBlock);
    assert.equal(u.problems[0]?.severity, 'error');
  });

  it('refuses a pattern it cannot run, and offsets the wrong way round', () => {
    const bad = urlRegex({ regex: '(?<x' } as unknown as ModelBlock);
    assert.equal(bad.regex, undefined);
    assert.equal(bad.problems[0]?.severity, 'error');
    assert.match(bad.problems[0]?.message ?? '', /regex '\(\?<x' cannot run here/);
    const off = urlRegex({
      regex: 'a',
      regex_min_offset: 9,
      regex_max_offset: 3,
    } as unknown as ModelBlock);
    assert.match(off.problems[0]?.message ?? '', /regex_max_offset 3 is below regex_min_offset 9/);
    const lone = urlRegex({ regex_no_match: true } as unknown as ModelBlock);
    assert.equal(lone.problems[0]?.severity, 'warning');
  });
});
