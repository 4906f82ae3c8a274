export { Lab, LabSpecError, labAddress, DEFAULT_RELOAD_MS, type LabOptions } from './lab.js';
export { labImage, readLabImage, type LabImageInfo } from './firmware.js';
export {
  LAB_FAULTS,
  PERSONALITIES,
  type LabFault,
  type LabSwitch,
  type LabSwitchSpec,
  type LabUplink,
  type Personality,
} from './types.js';
export { runLab, labCommand, loadTopology, defaultTopology, type RunLabOptions, type Topology } from './run-lab.js';
export { applyConfigCommands, type AppliedCommands } from './model/index.js';
