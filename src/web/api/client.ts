/**
 * The typed HTTP client of the pages. Every type is the zod schema's own (z.infer of
 * src/contract), imported as a type only: the schemas stay on the server, the bundle stays small.
 */
import type { z } from 'zod';
import type {
  Action,
  AnalysisResponse,
  CriticismAnswer,
  CriticismEpoch,
  CriticismList,
  CriticismReceipt,
  CriticismReceiptStatus,
  CriticismSubmit,
  Invite,
  IssueDetail,
  IssueSummary,
  LineVersion,
  Me,
  MergeResult,
  MemberList,
  Organisation,
  Report,
  SimilarStatements,
  Statement,
  Themes,
  ThemeSummary,
} from '../../contract/index.js';
import { pathOf, routeTable, type PathParams, type RouteAddress, type RouteName } from '../../contract/route-table.js';
import type { RouteAnswer, RouteBody, RouteQuery } from '../../contract/routes.js';
import type { ChangeList, HealthReport, HealthTrail, IssueMarks, PrincipalContradiction, UnitedFront, WhatIf } from '../../contract/model.js';
import type { Embrace as EmbraceModel, MemberLoop as MemberLoopModel, UnitedFront as UnitedFrontModel } from '../../core/model/index.js';
import type { StatementStatus, VoteValue } from '../../core/vocabulary.js';

/** What the API answers (a schema's output). */
export type Dto<S extends z.ZodType> = z.output<S>;
/** What the API takes (a schema's input: defaults may be left out). */
export type Body<S extends z.ZodType> = z.input<S>;

export type MeDto = Dto<typeof Me>;
export type IssueSummaryDto = Dto<typeof IssueSummary>;
export type IssueDetailDto = Dto<typeof IssueDetail>;
export type StatementDto = Dto<typeof Statement>;
export type AnalysisDto = Dto<typeof AnalysisResponse>;
export type LineVersionDto = Dto<typeof LineVersion>;
export type ActionDto = Dto<typeof Action>;
export type ReportDto = Dto<typeof Report>;
export type InviteDto = Dto<typeof Invite>;
export type MemberListDto = Dto<typeof MemberList>;
export type OrganisationDto = Dto<typeof Organisation>;
export type HealthReportDto = Dto<typeof HealthReport>;
export type HealthTrailDto = Dto<typeof HealthTrail>;
export type PrincipalDto = Dto<typeof PrincipalContradiction>;
export type IssueMarksDto = Dto<typeof IssueMarks>;
export type ChangeListDto = Dto<typeof ChangeList>;
export type WhatIfDto = Dto<typeof WhatIf>;
export type CriticismListDto = Dto<typeof CriticismList>;
export type CriticismDto = CriticismListDto['criticisms'][number];
export type CriticismEpochDto = Dto<typeof CriticismEpoch>;
export type CriticismReceiptDto = Dto<typeof CriticismReceipt>;
export type CriticismReceiptStatusDto = Dto<typeof CriticismReceiptStatus>;
export type CriticismSubmitBody = Body<typeof CriticismSubmit>;
export type CriticismAnswerDto = Dto<typeof CriticismAnswer>;
export type SimilarStatementsDto = Dto<typeof SimilarStatements>;
export type ThemesDto = Dto<typeof Themes>;
export type ThemeDto = ThemesDto['themes'][number];
export type ThemeSummaryDto = Dto<typeof ThemeSummary>;
export type MergeResultDto = Dto<typeof MergeResult>;
/**
 * The contract's schemas for these pass the model's detail through loosely (z.looseObject); the
 * detail is typed by the core model it is computed by (sent as JSON: an infinite number arrives
 * as null), with what the route adds (statement texts) from the contract.
 */
export type UnitedFrontDto = Omit<UnitedFrontModel, 'setAside'> & Pick<Dto<typeof UnitedFront>, 'setAside'>;
export type MemberLoopDto = Omit<MemberLoopModel, 'statements'> & {
  statements: (MemberLoopModel['statements'][number] & { text: string | null; mergedIntoText: string | null })[];
};
export type EmbraceDto = EmbraceModel;

/** An answer that is not a success: its status and the API's `{error, message}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The session's CSRF value: the server sets it in a readable cookie beside the HttpOnly session
 * cookie, and every write sends it back in a header, which no page of another origin can do.
 */
function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)massline_csrf=([^;]+)/.exec(document.cookie);
  // base64url: nothing in it is percent-encoded.
  return m?.[1];
}

async function request<T>(method: RouteAddress['method'], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  const csrf = method === 'GET' ? undefined : csrfToken();
  const sent = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(csrf ? { 'x-csrf-token': csrf } : {}), ...headers };
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  return answerOf<T>(res);
}

async function answerOf<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = payload as { error?: string; message?: string } | null;
    throw new ApiError(res.status, err?.error ?? 'internal', err?.message ?? res.statusText);
  }
  return payload as T;
}

/**
 * A request that says nothing about who sends it, for criticism from below: no cookie goes
 * with it (credentials 'omit'), so no session and no CSRF header either, no referrer, and
 * nothing cached.
 */
async function anonymous<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  return answerOf<T>(res);
}

type Table = typeof routeTable;
/** The routes whose schemas pass the model's detail through loosely: their answers are typed by the core model (see UnitedFrontDto). */
interface ModelAnswers {
  unitedFront: UnitedFrontDto;
  embrace: EmbraceDto;
  myInput: MemberLoopDto;
}
/** What a route answers, as the pages read it. */
type Answer<K extends RouteName> = K extends keyof ModelAnswers ? ModelAnswers[K] : RouteAnswer<K>;
/** The options of a call: its body and query as the route's schemas take them, and extra headers. */
interface CallOptions<K extends RouteName> {
  body?: RouteBody<K>;
  query?: RouteQuery<K>;
  headers?: Record<string, string>;
}

/** A route of the table called with the session: its URL from the table, its body and answer typed by the route's schemas. */
function call<K extends RouteName>(name: K, params: PathParams<Table[K]>, options: CallOptions<K> = {}): Promise<Answer<K>> {
  const route: RouteAddress = routeTable[name];
  return request<Answer<K>>(route.method, pathOf(route, params, options.query as Query), options.body, options.headers);
}

/** A route of the table called without the session (criticism from below). */
function callAnonymously<K extends 'criticise' | 'receipt'>(name: K, params: PathParams<Table[K]>, body?: RouteBody<K>): Promise<RouteAnswer<K>> {
  const route = routeTable[name];
  return anonymous<RouteAnswer<K>>(route.method, pathOf(route, params), body);
}

type Query = Parameters<typeof pathOf>[2];

export const api = {
  /** Who I am, or null without a session. */
  async me(): Promise<MeDto | null> {
    try {
      return await call('me', {});
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  login: (body: RouteBody<'login'>) => call('login', {}, { body }),
  logout: () => call('logout', {}),

  invitePreview: (token: string) => call('invitePreview', { token }),
  acceptInvite: (token: string, body: RouteBody<'acceptInvite'>) => call('acceptInvite', { token }, { body }),

  organisation: (orgId: string) => call('organisation', { orgId }),
  members: (orgId: string, page: { limit: number; offset: number }) => call('members', { orgId }, { query: page }),
  invites: (orgId: string) => call('invites', { orgId }),
  createInvite: (orgId: string, body: RouteBody<'createInvite'>) => call('createInvite', { orgId }, { body }),
  revokeInvite: (orgId: string, inviteId: string) => call('revokeInvite', { orgId, inviteId }),

  issues: (orgId: string) => call('issues', { orgId }),
  issue: (orgId: string, issueId: string, status?: StatementStatus) => call('issue', { orgId, issueId }, { query: { status } }),
  createIssue: (orgId: string, body: RouteBody<'createIssue'>) => call('createIssue', { orgId }, { body }),
  advanceCycle: (orgId: string, issueId: string, note?: string) => call('advanceCycle', { orgId, issueId }, { body: note ? { note } : {} }),

  nextStatement: (orgId: string, issueId: string) => call('nextStatement', { orgId, issueId }),
  /** The idempotency key makes a retried vote count once. */
  vote: (orgId: string, statementId: string, vote: VoteValue, idempotencyKey: string) =>
    call('vote', { orgId, statementId }, { body: { vote }, headers: { 'idempotency-key': idempotencyKey } }),
  submitStatement: (orgId: string, issueId: string, text: string) => call('submitStatement', { orgId, issueId }, { body: { text } }),
  moderate: (orgId: string, statementId: string, status: StatementStatus) => call('moderate', { orgId, statementId }, { body: { status } }),
  /** The statements closest to a text being typed, with my vote on each. */
  similar: (orgId: string, issueId: string, text: string) => call('similar', { orgId, issueId }, { query: { text } }),
  merge: (orgId: string, statementId: string, into: string) => call('merge', { orgId, statementId }, { body: { into } }),
  themes: (orgId: string, issueId: string) => call('themes', { orgId, issueId }),
  /** A theme summed up by the organisation's own model (only when one is configured: ThemesDto.summaryModel). */
  themeSummary: (orgId: string, issueId: string, themeId: string) => call('themeSummary', { orgId, issueId, themeId }),

  analysis: (orgId: string, issueId: string) => call('analysis', { orgId, issueId }),

  line: (orgId: string, issueId: string) => call('line', { orgId, issueId }),
  createDraft: (orgId: string, issueId: string, body: RouteBody<'createDraft'>) => call('createDraft', { orgId, issueId }, { body }),
  updateDraft: (orgId: string, versionId: string, body: RouteBody<'updateDraft'>) => call('updateDraft', { orgId, versionId }, { body }),
  publish: (orgId: string, versionId: string) => call('publish', { orgId, versionId }),
  endorse: (orgId: string, versionId: string, body: RouteBody<'endorse'>) => call('endorse', { orgId, versionId }, { body }),

  actions: (orgId: string, issueId: string) => call('actions', { orgId, issueId }),
  joinAction: (orgId: string, actionId: string) => call('joinAction', { orgId, actionId }),
  leaveAction: (orgId: string, actionId: string) => call('leaveAction', { orgId, actionId }),
  createAction: (orgId: string, issueId: string, body: RouteBody<'createAction'>) => call('createAction', { orgId, issueId }, { body }),
  reports: (orgId: string, issueId: string) => call('reports', { orgId, issueId }),
  fileReport: (orgId: string, issueId: string, body: RouteBody<'fileReport'>) => call('fileReport', { orgId, issueId }, { body }),

  health: (orgId: string) => call('health', { orgId }),
  healthTrail: (orgId: string, issueId: string) => call('healthTrail', { orgId, issueId }),
  whatIf: (orgId: string, issueId: string, plan: { everyWeeks: number; members: number }) => call('whatIf', { orgId, issueId }, { query: plan }),
  changes: (orgId: string) => call('changes', { orgId }),
  principal: (orgId: string) => call('principal', { orgId }),
  marks: (orgId: string, issueId: string) => call('marks', { orgId, issueId }),
  markImportant: (orgId: string, issueId: string, important: boolean) => call(important ? 'markImportant' : 'unmarkImportant', { orgId, issueId }),
  markBlocks: (orgId: string, issueId: string, blockedId: string) => call('markBlocks', { orgId, issueId }, { body: { blocks: blockedId } }),
  unmarkBlocks: (orgId: string, issueId: string, blockedId: string) => call('unmarkBlocks', { orgId, issueId, blockedId }),
  unitedFront: (orgId: string, issueId: string) => call('unitedFront', { orgId, issueId }),
  embrace: (orgId: string, versionId: string) => call('embrace', { orgId, versionId }),
  myInput: (orgId: string) => call('myInput', { orgId }),

  criticismEpoch: (orgId: string) => call('criticismEpoch', { orgId }),
  criticismTokens: (orgId: string, body: RouteBody<'criticismTokens'>) => call('criticismTokens', { orgId }, { body }),
  criticisms: (orgId: string) => call('criticisms', { orgId }),
  second: (orgId: string, criticismId: string, seconded: boolean) => call(seconded ? 'second' : 'unsecond', { orgId, criticismId }),
  answerCriticism: (orgId: string, criticismId: string, body: RouteBody<'answerCriticism'>) => call('answerCriticism', { orgId, criticismId }, { body }),
};

/** Criticism from below is spent and checked without the session: these two never send a cookie. */
export const anonymousApi = {
  criticise: (orgId: string, body: CriticismSubmitBody) => callAnonymously('criticise', { orgId }, body),
  receipt: (orgId: string, criticismId: string) => callAnonymously('receipt', { orgId, criticismId }),
};
