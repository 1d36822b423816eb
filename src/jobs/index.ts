export { createAnalysisJobs, type AnalysisJobs, type AnalysisJobsOptions } from './analyses.js';
export { snapshotOf } from './snapshot.js';
export { createCriticismPublisher, type CriticismPublisher } from './criticism.js';
