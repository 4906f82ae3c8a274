export { StateStore } from './store.js';
export { isSafeName, assertSafeName } from './names.js';
