export { digestBytes, digestFile, digestStream, type ImageDigest } from './digest.js';
export { ImageChecker, ImageCheckError } from './images.js';
export { ImageServer, parseImageServerAddress, type ImageServerAddress } from './server.js';
export { runUpgradeSteps, stepValues, UpgradeStepError, type StepValues, type UpgradeSession } from './steps.js';
