/**
 * The crash-injection child: `node store-saver.js ROOT OP K` runs one store
 * operation (save | rollback | factory-reset) with the real code on the real
 * file system and SIGKILLs itself right after step K (K = 0: never; it then
 * prints how many steps there were). `saves N` saves N times, never killed
 * (two of them at once test the saver lock).
 */
import { conf, storeDirAt } from './store-dir';

const [root, op, kArg] = process.argv.slice(2);
const k = Number(kArg);
let steps = 0;
const store = storeDirAt(root as string).open((step) => {
  steps++;
  if (op !== 'saves' && steps === k) {
    process.stderr.write(`killed after step ${k}: ${step}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
});
switch (op) {
  case 'save':
    store.save(conf('new'), 'crash test');
    break;
  case 'rollback':
    store.rollback();
    break;
  case 'factory-reset':
    store.factoryReset();
    break;
  case 'saves':
    for (let i = 0; i < k; i++) store.save(conf(`p${process.pid}_${i}`), 'lock test');
    break;
  default:
    throw new Error(`unknown op ${op}`);
}
process.stdout.write(`steps ${steps}\n`);
