export * from './common.js';
export * from './auth.js';
export * from './organisations.js';
export * from './issues.js';
