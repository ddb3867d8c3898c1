import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Write to this file descriptor instead of stdout (2 = stderr, used by CLI commands whose stdout is data). */
  fd?: number;
}

/** JSON logs (pino). Components take a child: `log.child({ component: 'scheduler' })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? process.env.YUQING_LOG_LEVEL ?? 'info', base: { app: 'yuqing' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: options.fd ?? 1, sync: true }),
  );
}

/** A logger that drops everything (tests, and quiet CLI commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
