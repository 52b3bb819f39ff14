import { describe, expect, it } from 'vitest';
import { LineSplitter, parseRequestLine, parseResponseLine } from '../../main/control/protocol';

describe('line framing', () => {
  it('keeps a multi-byte character that arrives split across two chunks', () => {
    const splitter = new LineSplitter(1024);
    const bytes = Buffer.from('{"d":"café ▶"}\n', 'utf8');
    const cut = bytes.indexOf(Buffer.from('▶')) + 1; // in the middle of the 3-byte ▶
    expect(splitter.push(bytes.subarray(0, cut))).toEqual({ lines: [], overflow: false });
    expect(splitter.push(bytes.subarray(cut))).toEqual({
      lines: ['{"d":"café ▶"}'],
      overflow: false,
    });
  });

  it('returns the complete lines before an oversized one, then reports overflow', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from('short\n0123456789AB'))).toEqual({
      lines: ['short'],
      overflow: true,
    });
  });

  it('accepts CRLF and skips blank lines', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(Buffer.from('a\r\n\n  \nb\n'))).toEqual({
      lines: ['a', 'b'],
      overflow: false,
    });
  });
});

describe('request parsing', () => {
  it('accepts a contract command', () => {
    expect(parseRequestLine('{"id":3,"command":{"type":"stop","input":{}}}')).toEqual({
      ok: true,
      request: { id: 3, command: { type: 'stop', input: {} } },
    });
  });

  it('rejects unknown envelope fields (strict)', () => {
    const parsed = parseRequestLine('{"id":3,"command":{"type":"status"},"sudo":true}');
    expect(parsed).toMatchObject({ ok: false, id: 3, error: { kind: 'validation' } });
  });

  it('names the offending field', () => {
    const parsed = parseRequestLine(
      '{"id":4,"command":{"type":"start","input":{"description":5}}}',
    );
    expect(parsed).toMatchObject({
      ok: false,
      id: 4,
      error: { field: 'command.input.description' },
    });
  });
});

describe('response parsing', () => {
  it('refuses an answer that is not a contract result', () => {
    expect(parseResponseLine('{"id":1,"result":{"ok":true}}')).toMatchObject({ ok: false });
    expect(parseResponseLine('nope')).toMatchObject({ ok: false });
  });
});
