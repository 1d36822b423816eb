export * from './common.js';
export * from './auth.js';
export * from './organisations.js';
export * from './issues.js';
export * from './lines.js';
export * from './analysis.js';
export * from './timeline.js';
export * from './model.js';
