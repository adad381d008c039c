/** Where every bench writes its results, and how each one runs as a command. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../test/rigs/vm';

/** Writes bench/results/NAME.json (pretty JSON) and says so. */
export function writeResults(name: string, data: unknown): void {
  const file = path.join(ROOT, 'bench', 'results', `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  console.log(`written to ${path.relative(ROOT, file)}`);
}

/** Runs a bench's main; a failure is printed and sets a non-zero exit code. */
export function runBench(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
}
