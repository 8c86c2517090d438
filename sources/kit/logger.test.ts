import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_TEXT_MAX, REDACT_PATHS, errorForLog, logText } from './logger.js';

describe('log text is capped and stays on one line', () => {
  it('cuts long text, says how much was cut, and escapes CR, LF, NUL and line separators', () => {
    const long = 'x'.repeat(LOG_TEXT_MAX + 1000);
    const cut = logText(long);
    expect(cut.length).toBeLessThan(LOG_TEXT_MAX + 60);
    expect(cut).toMatch(/… \[1000 more characters cut\]$/);
    expect(logText('a\r\nb\u0000c\u2028d')).toBe('a\\u000d\\u000ab\\u0000c\\u2028d');
  });

  it("an error whose message holds a request's variables is logged as one capped JSON line", () => {
    const variables = JSON.stringify({ search: `O'Brien\n{"level":60,"msg":"forged"}\n${'z'.repeat(100_000)}` });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS } }, sink);
    log.error({ err: errorForLog(new Error(`Variable "$search" got invalid value ${variables}`)) }, 'unexpected error');
    expect(lines).toHaveLength(1);
    const out = lines[0]!;
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(out.length).toBeLessThan(4000);
    const parsed = JSON.parse(out) as { err: { message: string }; level: number };
    expect(parsed.level).toBe(50);
    expect(parsed.err.message).not.toContain('\n');
    expect(parsed.err.message).toContain('more characters cut');
  });

  it('a thrown non-error is capped too', () => {
    expect((errorForLog('y'.repeat(10_000)) as string).length).toBeLessThan(LOG_TEXT_MAX + 60);
  });
});
