/**
 * The typed HTTP client of the pages. Every type is the zod schema's own (z.infer of
 * src/contract), imported as a type only: the schemas stay on the server, the bundle stays small.
 */
import type { z } from 'zod';
import type {
  ActionCreate,
  Action,
  ActionList,
  AnalysisResponse,
  CriticismAnswer,
  CriticismAnswerCreate,
  CriticismEpoch,
  CriticismList,
  CriticismReceipt,
  CriticismReceiptStatus,
  CriticismSubmit,
  CycleAdvanced,
  DraftBody,
  Endorsement,
  EndorsementBody,
  Invite,
  InviteAccept,
  InviteCreate,
  InviteCreated,
  InviteList,
  InvitePreview,
  IssueCreate,
  IssueDetail,
  IssueList,
  IssueSummary,
  LineHistory,
  LineVersion,
  LoginBody,
  Me,
  MergeResult,
  MemberList,
  NextStatement,
  Organisation,
  Participation,
  Report,
  ReportCreate,
  ReportList,
  SecondResult,
  SimilarStatements,
  Statement,
  Themes,
  ThemeSummary,
  TokenRequest,
  TokenResponse,
  VoteResult,
} from '../../contract/index.js';
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
export type MemberLoopDto = Omit<MemberLoopModel, 'statements'> & { statements: (MemberLoopModel['statements'][number] & { text: string | null; mergedIntoText: string | null })[] };
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The session's CSRF value: the server sets it in a readable cookie beside the HttpOnly session
 * cookie, and every write sends it back in a header, which no page of another origin can do.
 */
function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)massline_csrf=([^;]+)/.exec(document.cookie);
  // base64url: nothing in it is percent-encoded.
  return m?.[1];
}

async function request<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
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

const get = <T>(path: string) => request<T>('GET', path);
const org = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`;
const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
  return s ? `?${s}` : '';
};

export const api = {
  /** Who I am, or null without a session. */
  async me(): Promise<MeDto | null> {
    try {
      return await get<MeDto>('/api/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  login: (body: Body<typeof LoginBody>) => request<MeDto>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),

  invitePreview: (token: string) => get<Dto<typeof InvitePreview>>(`/api/invites/${encodeURIComponent(token)}`),
  acceptInvite: (token: string, body: Body<typeof InviteAccept>) => request<MeDto>('POST', `/api/invites/${encodeURIComponent(token)}/accept`, body),

  organisation: (orgId: string) => get<OrganisationDto>(org(orgId)),
  members: (orgId: string, page: { limit: number; offset: number }) => get<MemberListDto>(`${org(orgId)}/members${q(page)}`),
  invites: (orgId: string) => get<Dto<typeof InviteList>>(`${org(orgId)}/invites`),
  createInvite: (orgId: string, body: Body<typeof InviteCreate>) => request<Dto<typeof InviteCreated>>('POST', `${org(orgId)}/invites`, body),
  revokeInvite: (orgId: string, inviteId: string) => request<void>('DELETE', `${org(orgId)}/invites/${encodeURIComponent(inviteId)}`),

  issues: (orgId: string) => get<Dto<typeof IssueList>>(`${org(orgId)}/issues`),
  issue: (orgId: string, issueId: string, status?: StatementStatus) => get<IssueDetailDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}${q({ status })}`),
  createIssue: (orgId: string, body: Body<typeof IssueCreate>) => request<IssueSummaryDto>('POST', `${org(orgId)}/issues`, body),
  advanceCycle: (orgId: string, issueId: string, note?: string) =>
    request<Dto<typeof CycleAdvanced>>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/cycle/advance`, note ? { note } : {}),

  nextStatement: (orgId: string, issueId: string) => get<Dto<typeof NextStatement>>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/next-statement`),
  /** The idempotency key makes a retried vote count once. */
  vote: (orgId: string, statementId: string, vote: VoteValue, idempotencyKey: string) =>
    request<Dto<typeof VoteResult>>('PUT', `${org(orgId)}/statements/${encodeURIComponent(statementId)}/vote`, { vote }, { 'idempotency-key': idempotencyKey }),
  submitStatement: (orgId: string, issueId: string, text: string) => request<StatementDto>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/statements`, { text }),
  moderate: (orgId: string, statementId: string, status: StatementStatus) => request<StatementDto>('PATCH', `${org(orgId)}/statements/${encodeURIComponent(statementId)}`, { status }),
  /** The statements closest to a text being typed, with my vote on each. */
  similar: (orgId: string, issueId: string, text: string) => get<SimilarStatementsDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/similar${q({ text })}`),
  merge: (orgId: string, statementId: string, into: string) => request<MergeResultDto>('POST', `${org(orgId)}/statements/${encodeURIComponent(statementId)}/merge`, { into }),
  themes: (orgId: string, issueId: string) => get<ThemesDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/themes`),
  /** A theme summed up by the organisation's own model (only when one is configured: ThemesDto.summaryModel). */
  themeSummary: (orgId: string, issueId: string, themeId: string) =>
    request<ThemeSummaryDto>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/themes/${encodeURIComponent(themeId)}/summary`),

  analysis: (orgId: string, issueId: string) => get<AnalysisDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/analysis`),

  line: (orgId: string, issueId: string) => get<Dto<typeof LineHistory>>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/line`),
  createDraft: (orgId: string, issueId: string, body: Body<typeof DraftBody>) => request<LineVersionDto>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/line/drafts`, body),
  updateDraft: (orgId: string, versionId: string, body: Body<typeof DraftBody>) => request<LineVersionDto>('PUT', `${org(orgId)}/line-versions/${encodeURIComponent(versionId)}`, body),
  publish: (orgId: string, versionId: string) => request<LineVersionDto>('POST', `${org(orgId)}/line-versions/${encodeURIComponent(versionId)}/publish`),
  endorse: (orgId: string, versionId: string, body: Body<typeof EndorsementBody>) =>
    request<Dto<typeof Endorsement>>('PUT', `${org(orgId)}/line-versions/${encodeURIComponent(versionId)}/endorsement`, body),

  actions: (orgId: string, issueId: string) => get<Dto<typeof ActionList>>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/actions`),
  joinAction: (orgId: string, actionId: string) => request<Dto<typeof Participation>>('PUT', `${org(orgId)}/actions/${encodeURIComponent(actionId)}/participation`),
  leaveAction: (orgId: string, actionId: string) => request<Dto<typeof Participation>>('DELETE', `${org(orgId)}/actions/${encodeURIComponent(actionId)}/participation`),
  createAction: (orgId: string, issueId: string, body: Body<typeof ActionCreate>) => request<ActionDto>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/actions`, body),
  reports: (orgId: string, issueId: string) => get<Dto<typeof ReportList>>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/reports`),
  fileReport: (orgId: string, issueId: string, body: Body<typeof ReportCreate>) => request<ReportDto>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/reports`, body),

  health: (orgId: string) => get<HealthReportDto>(`${org(orgId)}/health`),
  healthTrail: (orgId: string, issueId: string) => get<HealthTrailDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/health/trail`),
  whatIf: (orgId: string, issueId: string, plan: { everyWeeks: number; members: number }) => get<WhatIfDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/health/what-if${q(plan)}`),
  changes: (orgId: string) => get<ChangeListDto>(`${org(orgId)}/changes`),
  principal: (orgId: string) => get<PrincipalDto>(`${org(orgId)}/principal-contradiction`),
  marks: (orgId: string, issueId: string) => get<IssueMarksDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/marks`),
  markImportant: (orgId: string, issueId: string, important: boolean) => request<undefined>(important ? 'PUT' : 'DELETE', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/importance`),
  markBlocks: (orgId: string, issueId: string, blockedId: string) => request<undefined>('POST', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/blocks`, { blocks: blockedId }),
  unmarkBlocks: (orgId: string, issueId: string, blockedId: string) => request<undefined>('DELETE', `${org(orgId)}/issues/${encodeURIComponent(issueId)}/blocks/${encodeURIComponent(blockedId)}`),
  unitedFront: (orgId: string, issueId: string) => get<UnitedFrontDto>(`${org(orgId)}/issues/${encodeURIComponent(issueId)}/united-front`),
  embrace: (orgId: string, versionId: string) => get<EmbraceDto>(`${org(orgId)}/line-versions/${encodeURIComponent(versionId)}/embrace`),
  myInput: (orgId: string) => get<MemberLoopDto>(`${org(orgId)}/me/what-became-of-my-input`),

  criticismEpoch: (orgId: string) => get<CriticismEpochDto>(`${org(orgId)}/criticism/epoch`),
  criticismTokens: (orgId: string, body: Body<typeof TokenRequest>) => request<Dto<typeof TokenResponse>>('POST', `${org(orgId)}/criticism/tokens`, body),
  criticisms: (orgId: string) => get<CriticismListDto>(`${org(orgId)}/criticisms`),
  second: (orgId: string, criticismId: string, seconded: boolean) =>
    request<Dto<typeof SecondResult>>(seconded ? 'PUT' : 'DELETE', `${org(orgId)}/criticisms/${encodeURIComponent(criticismId)}/second`),
  answerCriticism: (orgId: string, criticismId: string, body: Body<typeof CriticismAnswerCreate>) =>
    request<CriticismAnswerDto>('POST', `${org(orgId)}/criticisms/${encodeURIComponent(criticismId)}/answers`, body),
};

/** Criticism from below is spent and checked without the session: these two never send a cookie. */
export const anonymousApi = {
  criticise: (orgId: string, body: CriticismSubmitBody) => anonymous<CriticismReceiptDto>('POST', `${org(orgId)}/criticisms`, body),
  receipt: (orgId: string, criticismId: string) => anonymous<CriticismReceiptStatusDto>('GET', `${org(orgId)}/criticisms/${encodeURIComponent(criticismId)}/receipt`),
};
