import { z } from 'zod';
import { allowEntryProblem } from '../http/address-policy';
import { REDACTION_KINDS } from '../text/redact-personal-data';

/**
 * The security settings of the main config (mounted in `main-schema.ts`; every key is documented
 * in the sample yuqing.yaml): which non-public hosts may be fetched, and which personal data is
 * redacted before it is stored or sent.
 */

/**
 * Exceptions to the address guard: host names (`localhost`, `*.intra.example`), IP addresses or
 * CIDR ranges (`127.0.0.0/8`, `10.0.0.0/8`, `fd00::/8`). Default none: loopback, private,
 * link-local and other non-public addresses are refused.
 */
export const allowPrivateHostsSchema = z
  .array(
    z.string().superRefine((entry, ctx) => {
      const problem = allowEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  )
  .default([]);

/**
 * Minimal disclosure (the seeds' rule): personal data in fetched posts is replaced by a marker
 * before a mention is stored, indexed or put into an alert. Off by default (an empty list).
 */
export const privacySchema = z.strictObject({
  /** What to redact: `nationalId` (身分證／居留證號), `phone` (市話與 09xx 手機), `email`. */
  redact: z.array(z.enum(REDACTION_KINDS)).default([]),
});
