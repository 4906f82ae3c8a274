export { StateStore } from './store.js';
export { isSafeName, assertSafeName } from './names.js';
export { locationFlags } from './location-flags.js';
export { singleRecordFile, type Book, type BookEdit, type SharedStore } from './shared.js';
