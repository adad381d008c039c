/** The console's line discipline: echo, editing keys, line ends, secrets, escapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineEditor, type LineEvent } from '../../src/console/line-editor';

function type(bytes: string, secret = false): { events: LineEvent[]; echo: string } {
  let echo = '';
  const ed = new LineEditor((b) => (echo += b));
  ed.secret = secret;
  return { events: ed.feed(Buffer.from(bytes, 'latin1')), echo };
}

describe('console line editor', () => {
  it('echoes what is typed and ends a line on CR, LF or CR LF (one line each)', () => {
    const r = type('ab\rcd\nef\r\ngh\r');
    assert.deepEqual(
      r.events.map((e) => (e.kind === 'line' ? e.text : e.kind)),
      ['ab', 'cd', 'ef', 'gh'],
    );
    assert.equal(r.echo, 'ab\r\ncd\r\nef\r\ngh\r\n');
  });

  it('backspace and DEL erase one character on screen and in the line; Ctrl-U the line', () => {
    const r = type('abx\x7f\x08c\r12\x153\r');
    assert.deepEqual(r.events, [
      { kind: 'line', text: 'ac' },
      { kind: 'line', text: '3' },
    ]);
    assert.ok(r.echo.startsWith('abx\b \b\b \bc\r\n'));
  });

  it('a secret is not echoed, not even by backspace', () => {
    const r = type('pass\x7fword\r', true);
    assert.deepEqual(r.events, [{ kind: 'line', text: 'pasword' }]);
    assert.equal(r.echo, '\r\n');
  });

  it('Ctrl-C cancels the line, Ctrl-D on an empty line is end of input', () => {
    assert.deepEqual(type('abc\x03').events, [{ kind: 'cancel' }]);
    assert.deepEqual(type('\x04').events, [{ kind: 'eof' }]);
    assert.deepEqual(type('x\x04\r').events, [{ kind: 'line', text: 'x' }]);
  });

  it('arrow keys and other escape sequences do not end up in the line', () => {
    const r = type('a\x1b[A\x1b[1;5Cb\x1bOPc\r');
    assert.deepEqual(r.events, [{ kind: 'line', text: 'abc' }]);
  });

  it('control bytes and line noise beyond 4 KiB are dropped', () => {
    const r = type('a\x01\x02b' + 'x'.repeat(5000) + '\r');
    const line = r.events[0];
    assert.ok(line?.kind === 'line');
    assert.equal(line.text.length, 4096);
    assert.ok(line.text.startsWith('abx'));
  });
});
