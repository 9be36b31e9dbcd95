/**
 * The function thread's script (started by startFunctionThread in local/function-thread.ts).
 * Erasable TypeScript without `#` imports, so Node runs it without a loader; it then registers
 * tsx's, under which the host and the handlers load (their TypeScript is not all erasable).
 */
import { register } from 'tsx/esm/api';

register();
await import('./function-thread-host.ts');
