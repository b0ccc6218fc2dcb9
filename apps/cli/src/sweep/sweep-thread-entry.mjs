// Entry of a sweep worker thread. Node 20 does not apply the parent's
// `--import tsx` loader to a worker's entry module, so the thread registers
// tsx itself before it loads the TypeScript that runs the tasks.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-thread.ts');
