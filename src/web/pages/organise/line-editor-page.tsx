import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, ApiError, type AnalysisDto, type IssueDetailDto, type LineVersionDto, type MeDto, type ReportDto, type StatementDto } from '../../api/client.js';
import { useSubmission } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { analysisFindings, type Findings } from '../../analysis/findings.js';
import { ClaimList, VersionMarks } from '../../components/claims.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { ErrorNotice, Loaded, Success } from '../../components/states.js';
import { cites, draftBody, emptyClaim, findStatements, grounding, startingDraft, toggleCite, type Cite, type DraftClaim } from '../../line/draft.js';
import { textLimits } from '../../../contract/limits.js';

/** The line editor: claims, each citing its basis from the analysis (consensus, group-representative statements) and from practice. */
export function LineEditorPage() {
  return <RequireSession role="organiser">{(me) => <LineEditor me={me} />}</RequireSession>;
}

interface EditorData {
  issue: IssueDetailDto;
  versions: LineVersionDto[];
  analysis: AnalysisDto | null;
  reports: ReportDto[];
}

function LineEditor({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const data = useResource<EditorData>(async () => {
    const [issue, line, reports, analysis] = await Promise.all([
      api.issue(orgId, issueId),
      api.line(orgId, issueId),
      api.reports(orgId, issueId),
      api.analysis(orgId, issueId).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ]);
    return { issue, versions: line.versions, analysis, reports: reports.reports };
  }, [orgId, issueId]);
  // Kept above the editor, which starts afresh when the versions change (a publication).
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Loaded resource={data}>
      {(d) => (
        <>
          <PageHeading title={t('editor.title')} kicker={d.issue.title} back={{ href: `/organise/issues/${issueId}`, label: t('organise.backToIssue') }} />
          <Editor
            key={d.versions.map((v) => `${v.id}:${v.status}`).join()}
            orgId={orgId}
            data={d}
            onChanged={data.reload}
            notice={notice}
            setNotice={setNotice}
          />
          <History versions={d.versions} />
        </>
      )}
    </Loaded>
  );
}

function Editor({
  orgId,
  data,
  onChanged,
  notice,
  setNotice,
}: {
  orgId: string;
  data: EditorData;
  onChanged: () => void;
  notice: string | null;
  setNotice: (n: string | null) => void;
}) {
  const { t } = useTranslation();
  const start = useMemo(() => startingDraft(data.versions), [data.versions]);
  const [claims, setClaims] = useState<DraftClaim[]>(start.claims);
  const [draftId, setDraftId] = useState<string | null>(start.draftId);
  const [dirty, setDirty] = useState(false);
  const { busy, error, run: submission } = useSubmission();
  const texts = useMemo(() => new Map(data.issue.statements.map((s) => [s.id, s.text])), [data.issue]);
  const findings = useMemo(() => (data.analysis ? analysisFindings(data.analysis.snapshot, texts) : null), [data.analysis, texts]);
  const ground = grounding(claims);
  const phase = data.issue.cycle.phase;

  const update = (key: string, change: (c: DraftClaim) => DraftClaim) => {
    setClaims((list) => list.map((c) => (c.key === key ? change(c) : c)));
    setDirty(true);
    setNotice(null);
  };

  /** Run a change of the draft; its notice says what became of it. */
  const change = (work: () => Promise<string>) => {
    setNotice(null);
    return submission(async () => setNotice(await work()));
  };

  const save = () =>
    change(async () => {
      const v = draftId ? await api.updateDraft(orgId, draftId, draftBody(claims)) : await api.createDraft(orgId, data.issue.id, draftBody(claims));
      setDraftId(v.id);
      setDirty(false);
      return t('editor.saved', { number: v.number });
    });

  const publish = () =>
    change(async () => {
      if (!draftId) throw new ApiError(0, 'internal', 'no draft');
      const v = await api.publish(orgId, draftId);
      onChanged();
      return t('editor.published', { number: v.number });
    });

  return (
    <section aria-labelledby="draft-heading">
      <h2 id="draft-heading">{draftId ? t('editor.draftTitle') : t('editor.newTitle')}</h2>
      <p className="hint">{t('editor.lead')}</p>
      <p className="meta" role="status">
        {t('editor.grounding', { grounded: ground.grounded, count: ground.claims })}
      </p>
      {!findings && <p className="notice">{t('editor.noAnalysis')}</p>}
      <ol className="claim-editor">
        {claims.map((claim, i) => (
          <li key={claim.key} className="card">
            <div className="field">
              <label htmlFor={`${claim.key}-text`}>{t('editor.claimLabel', { number: i + 1 })}</label>
              <textarea
                id={`${claim.key}-text`}
                value={claim.text}
                rows={3}
                maxLength={textLimits.claim.max}
                onChange={(e) => update(claim.key, (c) => ({ ...c, text: e.target.value }))}
              />
            </div>
            <BasisPicker
              claim={claim}
              number={i + 1}
              findings={findings}
              analysis={data.analysis}
              reports={data.reports}
              statements={data.issue.statements}
              onToggle={(cite) => update(claim.key, (c) => toggleCite(c, cite))}
            />
            {claims.length > 1 && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setClaims((list) => list.filter((c) => c.key !== claim.key));
                  setDirty(true);
                }}
              >
                {t('editor.removeClaim', { number: i + 1 })}
              </button>
            )}
          </li>
        ))}
      </ol>
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setClaims((list) => [...list, emptyClaim(Math.max(0, ...list.map((c) => Number(c.key.slice(1)))) + 1)]);
            setDirty(true);
          }}
        >
          {t('editor.addClaim')}
        </button>
      </p>
      {error && <ErrorNotice error={error} />}
      {notice && (
        <Success>
          <p className="notice__title">{notice}</p>
        </Success>
      )}
      <div className="actions">
        <button type="button" className="button" disabled={busy || ground.claims === 0 || (!dirty && draftId !== null)} onClick={() => void save()}>
          {t('editor.save')}
        </button>
        <button
          type="button"
          className="button button--publish"
          disabled={busy || !draftId || dirty || phase !== 'concentrate'}
          onClick={() => void publish()}
          aria-describedby="publish-hint"
        >
          {t('editor.publish')}
        </button>
      </div>
      <p className="hint" id="publish-hint">
        {phase === 'concentrate' ? t('editor.publishHint') : t('editor.publishPhase', { phase: t(`phase.${phase}.name`) })}{' '}
        {phase === 'gather' && <Link href={`/organise/issues/${data.issue.id}`}>{t('editor.toAdvance')}</Link>}
      </p>
    </section>
  );
}

function BasisPicker({
  claim,
  number,
  findings,
  analysis,
  reports,
  statements,
  onToggle,
}: {
  claim: DraftClaim;
  number: number;
  findings: Findings | null;
  analysis: AnalysisDto | null;
  reports: ReportDto[];
  statements: StatementDto[];
  onToggle: (c: Cite) => void;
}) {
  const { t } = useTranslation();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const found = findStatements(statements, query, new Set(claim.cites.filter((c) => c.kind === 'statement').map((c) => c.ref)));
  // A statement may be both consensus and what a group stands for: each list shows it, both boxes cite the same source.
  const option = (section: string, cite: Cite, label: string, figure?: string) => {
    const id = `${claim.key}-${section}-${cite.kind}-${cite.ref}`;
    return (
      <li key={id} className="choice">
        <input type="checkbox" id={id} checked={cites(claim, cite)} onChange={() => onToggle(cite)} />
        <label htmlFor={id}>
          {label}
          {figure && <span className="hint"> — {figure}</span>}
        </label>
      </li>
    );
  };
  return (
    <details className="basis">
      <summary>{t('editor.basisSummary', { number, count: claim.cites.length })}</summary>
      {findings && analysis && (
        <>
          <fieldset>
            <legend>{t('editor.fromConsensus')}</legend>
            <ul className="plain-list">
              {findings.consensus.map((f) =>
                option(
                  'consensus',
                  { kind: 'statement', ref: f.statementId },
                  f.text ?? t('map.hiddenStatement'),
                  t(`map.consensus.${f.direction ?? 'agree'}`, { share: f.share ?? 0 }),
                ),
              )}
            </ul>
          </fieldset>
          {findings.groups.map((g) => (
            <fieldset key={g.id}>
              <legend>{t('editor.fromGroup', { group: g.label, count: g.size })}</legend>
              <ul className="plain-list">
                {g.representative.map((f) =>
                  option(
                    `group-${g.id}`,
                    { kind: 'statement', ref: f.statementId },
                    f.text ?? t('map.hiddenStatement'),
                    t(`map.representative.${f.direction ?? 'agree'}`, { share: f.share ?? 0, group: g.label }),
                  ),
                )}
              </ul>
            </fieldset>
          ))}
          <fieldset>
            <legend>{t('editor.fromAnalysis')}</legend>
            <ul className="plain-list">{option('analysis', { kind: 'analysis', ref: analysis.id }, t('editor.analysisItself', { at: analysis.createdAt }))}</ul>
          </fieldset>
        </>
      )}
      <fieldset>
        <legend>{t('editor.fromAny')}</legend>
        <label htmlFor={searchId} className="visually-hidden">
          {t('editor.find', { number })}
        </label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('editor.findPlaceholder')} />
        {found.length > 0 && <ul className="plain-list">{found.map((s) => option('any', { kind: 'statement', ref: s.id }, s.text))}</ul>}
        {query.trim() && found.every((s) => cites(claim, { kind: 'statement', ref: s.id })) && <p className="hint">{t('editor.noneFound')}</p>}
      </fieldset>
      {reports.length > 0 && (
        <fieldset>
          <legend>{t('editor.fromReports')}</legend>
          <ul className="plain-list">
            {reports.map((r) => option('reports', { kind: 'report', ref: r.id }, r.whatHappened, r.verdict ? t(`practice.verdicts.${r.verdict}`) : undefined))}
          </ul>
        </fieldset>
      )}
    </details>
  );
}

function History({ versions }: { versions: LineVersionDto[] }) {
  const { t } = useTranslation();
  if (versions.length === 0) return null;
  const newestFirst = [...versions].sort((a, b) => b.number - a.number);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('editor.history')}</h2>
      <ol className="plain-list" reversed>
        {newestFirst.map((v) => (
          <li key={v.id} className="card">
            <h3>
              {t('editor.versionHeading', { number: v.number })} <span className={`badge badge--${v.status}`}>{t(`editor.status.${v.status}`)}</span>
            </h3>
            <p className="meta">
              {v.publishedAt ? t('line.publishedAt', { at: v.publishedAt }) : t('editor.createdAt', { at: v.createdAt })} ·{' '}
              {t('phase.cycle', { number: v.cycleNumber })}
              {v.diff && <> · {t('editor.diff', { added: v.diff.added.length, removed: v.diff.removed.length, kept: v.diff.kept.length })}</>}
            </p>
            <VersionMarks version={v} />
            <details>
              <summary>{t('editor.showClaims', { count: v.claims.length })}</summary>
              <ClaimList version={v} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
