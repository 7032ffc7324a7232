export { loadConfig, sourceOf, interpolate } from './load.ts';
export type { CatalystConfig, LoadConfigOptions, SettingSource, StateStoreChoice, BusChoice, DocumentStoreChoice } from './load.ts';
