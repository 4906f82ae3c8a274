export {
  AGENT_ENV, describeHolder, lock, lockHolder, LockAbortedError, LockBusyError, tryLock,
  type HeldLock, type Holder, type LockWait,
} from './os-lock.js';
