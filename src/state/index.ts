export { StateStore } from './store.js';
export { isSafeName, assertSafeName } from './names.js';
export { locationFlags } from './location-flags.js';
