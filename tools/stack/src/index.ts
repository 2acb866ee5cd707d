export {
  databaseName,
  databaseUrl,
  removeNamespace,
  type StackDatabase,
  stackDatabases,
} from './namespace.ts';
export { devKeyringFile } from './paths.ts';
export { runToCompletion, spawnManaged, waitForHttp } from './processes.ts';
export { sandboxSecrets } from './secrets.ts';
export type { StackProcess } from './service-processes.ts';
export { type Stack, type StackOptions, startStack } from './stack.ts';
export {
  daytimeZone,
  fixedOffsetZone,
  type HourWindow,
  nighttimeZone,
  zoneWhereLocalTimeIn,
} from './time-zones.ts';
