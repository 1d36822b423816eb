export * from './errors.js';
export * from './vocabulary.js';
export * from './next-statement.js';
export * from './model/index.js';
export * from './criticism.js';
export * from './consensus.js';
