import { pino } from 'pino';

/**
 * One logger for the server. Tokens, credentials and personal data are redacted wherever they appear in a
 * logged object; log ids and codes, never names, e-mails or query strings.
 */
export const REDACT_PATHS = [
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.token',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.email',
  '*.phone',
  '*.name',
  '*.query',
  '*.search',
  'req.headers.authorization',
  'req.headers.cookie',
];

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  base: { app: 'panorama' },
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
});

export type Logger = typeof logger;

/** Longest text a log field holds: a message or stack can embed a request's variables, so it is cut. */
export const LOG_TEXT_MAX = 500;

/**
 * Text made safe for a log field: at most `max` characters (marked when cut), control characters (CR, LF, NUL
 * and the rest) shown as `\uXXXX` escapes so even a non-JSON log transport keeps one record per line.
 */
export function logText(text: string, max = LOG_TEXT_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters cut]` : text;
  return cut.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error as a log field: name, message and the top of its stack, each capped (see `logText`). */
export function errorForLog(e: unknown): { name: string; message: string; stack?: string } | string {
  if (!(e instanceof Error)) return logText(String(e));
  return { name: logText(e.name, 100), message: logText(e.message), ...(e.stack ? { stack: logText(e.stack, 2000) } : {}) };
}
