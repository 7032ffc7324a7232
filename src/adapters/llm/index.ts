export { createLanguageModels, type LanguageModelsOptions } from './language-models.ts';
export { priceFor, costOf } from './cost.ts';
