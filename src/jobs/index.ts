export { createAnalysisJobs, type AnalysisJobs, type AnalysisJobsOptions, type AnalysisStored } from './analyses.js';
export { snapshotOf } from './snapshot.js';
export { createCriticismPublisher, type CriticismPublisher } from './criticism.js';
export { queueNames, queueSchema, startJobQueue, type JobQueue, type JobQueueOptions } from './queue.js';
