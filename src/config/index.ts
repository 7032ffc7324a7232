export { loadConfig, interpolate } from './load.ts';
export type { CatalystConfig, LoadConfigOptions, StateStoreChoice, BusChoice, DocumentStoreChoice } from './load.ts';
