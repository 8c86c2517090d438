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
