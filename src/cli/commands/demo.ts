import { runDemo } from '../../demo/run-demo';
import type { Output } from '../output';

/** `yuqing demo`: exit 0 only when the demo crisis was detected at the expected level and nothing else fired. */
export async function demoCommand(options: { data?: string; verbose?: boolean; elasticsearch?: string }, out: Output): Promise<number> {
  const result = await runDemo(out, {
    ...(options.data ? { dataDir: options.data } : {}),
    ...(options.verbose ? { verbose: true } : {}),
    ...(options.elasticsearch ? { elasticsearch: { url: options.elasticsearch } } : {}),
  });
  return result.ok ? 0 : 1;
}
