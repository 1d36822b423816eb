/**
 * The opinion engine: sparse vote storage and Pol.is-class analysis (PCA opinion map, opinion
 * groups, representative / consensus / divisive statements, bridging, routing priority).
 * Pure TypeScript, no I/O. See docs/engine.md for the method and where it differs from Pol.is.
 */
export type { ParticipantRow, StatementColumn, Vote, Result } from './types.js';
export { isVote, ok, err } from './types.js';
export type { VoteMatrix, VoteStore, VoteStoreError } from './vote-store.js';
export { createVoteStore, applyVote, applyVoteAt, participantRowOf, statementColumnOf, reservePendingVotes, compactVotes, voteAt } from './vote-store.js';
export type {
  Analysis,
  AnalysisOptions,
  AnalysisOptionsInput,
  EngineState,
  OpinionGroup,
  RepresentativeStatementOut,
  ConsensusStatementOut,
  DivisiveStatementOut,
} from './analysis.js';
export { analyzeConversation, analysisOptionsOf, DEFAULT_ANALYSIS_OPTIONS } from './analysis.js';
export { NEW_STATEMENT_PRIORITY } from './priority.js';
export { adjustedRandIndex } from './agreement.js';
export type { ConsensusStatement, DivisiveStatement, GroupInformedConsensus } from './consensus.js';
export { CONSENSUS_THRESHOLD, consensusStatementsOf, divisiveStatementsOf } from './consensus.js';
export type { GroupTallies } from './tallies.js';
export type { BridgingModel, BridgingOptions } from './bridging.js';
export type { GroupingOptions } from './opinion-groups.js';
export type { ParticipationRule } from './participation.js';
export type { PcaBasis, PcaOptions } from './pca.js';
export type { SimilarityIndex, SimilarityIndexOptions, SimilarityMatch, TextLanguage, Theme, ThemeItem, ThemeOptions } from './text/index.js';
export { createSimilarityIndex, guessLanguage, themesOf, UNTHEMED } from './text/index.js';
