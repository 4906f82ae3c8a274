export { Lab, labAddress, type LabOptions } from './lab.js';
export {
  LAB_FAULTS,
  PERSONALITIES,
  type LabFault,
  type LabSwitch,
  type LabSwitchSpec,
  type LabUplink,
  type Personality,
} from './types.js';
