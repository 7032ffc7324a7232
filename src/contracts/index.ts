export * from './events.ts';
export * from './artifacts.ts';
export * from './records.ts';
export * from './messages.ts';
export * from './errors.ts';
export * from './api.ts';
export * from './explorer.ts';
export * from './llm.ts';
