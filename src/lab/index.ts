export { Lab, LabSpecError, labAddress, type LabOptions } from './lab.js';
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
