export { startConsole, buildConsole, parseHttpAddress, HttpSetupError, type ConsoleOptions, type RunningConsole, type HttpAddress } from './server.js';
export { startApplianceConsole, type ApplianceConsoleOptions } from './live.js';
export { liveSource, stateSource, type ConsoleSource, type LiveAppliance } from './source.js';
export { registerMetrics, type MetricsEndpoint } from './metrics-route.js';
export { Users, hashPassword, verifyPassword, type Role } from './users.js';
export { usersFileOf } from './users-command.js';
export { LoginThrottle, LOGIN_LIMITS } from './login-throttle.js';
