export { labCommand } from './run-lab.js';
