/** The model of MODEL.md §2–4 and §6–7 as pure functions of ModelFacts at an instant. */
export type * from './facts.js';
export * from './settings.js';
export * from './time.js';
export * from './lookups.js';
export * from './health.js';
export * from './quality.js';
export * from './line-history.js';
export * from './trail.js';
export * from './forecast.js';
export * from './activity.js';
export * from './embrace.js';
export * from './changes.js';
export * from './principal.js';
export * from './member-loop.js';
