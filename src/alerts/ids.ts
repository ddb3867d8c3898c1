/**
 * Deterministic alert ids: the same rule opening at the same instant always gets the same id, so a
 * replay (backtest, restart mid-cycle) cannot create a twin alert.
 */

/**
 * `<ruleId>-<UTC time>`, e.g. `example-clinic-20260302T060500Z` (milliseconds appear only when
 * not zero: `…T060500.250Z`). Readable in logs and mail subjects, sortable per rule.
 *
 * @param openedAtMs epoch ms the alert opened
 */
export function alertId(ruleId: string, openedAtMs: number): string {
  const iso = new Date(openedAtMs).toISOString(); // 2026-03-02T06:05:00.000Z
  const compact = iso.replace(/[-:]/g, '').replace('.000Z', 'Z');
  return `${ruleId}-${compact}`;
}
