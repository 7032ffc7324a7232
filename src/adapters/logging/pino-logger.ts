import { pino } from 'pino';
import type { Logger } from '../../core/logger.ts';

/** Structured logs to stderr (stdout stays clean for `--json`), secrets redacted by path. */
export function createPinoLogger(level: string): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'api_key',
          '*.api_key',
          'apiKey',
          '*.apiKey',
          '*.*.apiKey',
          'token',
          '*.token',
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'github_token',
          '*.github_token',
          'url',
          '*.url',
        ],
        censor: (value: unknown, path: string[]) =>
          path.at(-1) === 'url' && typeof value === 'string' ? value.replace(/\/\/[^@/]*@/, '//***@') : '[redacted]',
      },
    },
    pino.destination(2),
  ) as unknown as Logger;
}
