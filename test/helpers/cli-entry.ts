// Runs the CLI from the TypeScript sources in a child process (tests that need a real process to kill).
import { main } from '../../src/cli/main';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exitCode = 1;
  },
);
