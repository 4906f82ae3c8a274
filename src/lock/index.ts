export {
  AGENT_ENV, describeHolder, lock, myself, lockHolder, LockAbortedError, LockBusyError, tryLock,
  type HeldLock, type Holder, type LockWait,
} from './os-lock.js';
