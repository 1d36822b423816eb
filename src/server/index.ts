export { buildApp } from './app.js';
export { createContext, type AppContext, type ContextOptions } from './context.js';
export { loadConfig, ConfigError, type Config, type ConfigOverrides } from './config.js';
export { warmModel } from './services/warm-model.js';
