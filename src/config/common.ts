import { z } from 'zod';
import { parseDurationMs } from '../core/duration';

// zod's own messages in Traditional Chinese; ours are written in zh-TW below.
z.config(z.locales.zhTW());

/** A duration written `30s`, `15m`, `4h`, `14d`, parsed to milliseconds. */
export const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `無效的時間長度「${text}」，請寫成 30s、15m、4h、14d 這類格式 (invalid duration)` });
    return z.NEVER;
  }
  return ms;
});

/** Lower-case id used in file names, recipients and keys: `example-clinic`. */
export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  message: '只能用小寫英文字母、數字、- 與 _，且以字母或數字開頭 (lower-case letters, digits, - and _)',
});

/** A non-empty trimmed term. */
export const term = z.string().trim().min(1, { message: '不可為空字串 (must not be empty)' });

/** A name of an environment variable holding a secret. Secrets are never written in files. */
export const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: '必須是環境變數名稱，例如 SMTP_PASSWORD (an environment variable name)' });
