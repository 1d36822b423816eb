import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, type IssueDetailDto, type MeDto } from '../../api/client.js';
import { useSubmission } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { concernsIssue, useLiveReload, useLiveVoteTotals } from '../../api/use-live.js';
import { PageHeading } from '../../components/page.js';
import { PhaseSteps } from '../../components/phase-steps.js';
import { RequireSession } from '../../components/require-session.js';
import { ErrorNotice, Loaded, Success } from '../../components/states.js';
import { nextPhase, type Phase } from '../../../core/vocabulary.js';
import { currentVersion } from '../../components/claims.js';
import { groupLabels } from '../../analysis/findings.js';
import { useFormat } from '../../locale.js';
import { textLimits } from '../../../contract/limits.js';

/** One issue for its organisers: the cycle and its next step, and the way to each tool. */
export function OrganiseIssuePage() {
  return <RequireSession role="organiser">{(me) => <OrganiseIssue me={me} />}</RequireSession>;
}

function OrganiseIssue({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const issue = useResource(() => api.issue(orgId, issueId), [orgId, issueId]);
  useLiveReload(issue.reload, (e) => concernsIssue(e, issueId, ['statement', 'phase', 'line']));
  useLiveVoteTotals(issue);
  return (
    <Loaded resource={issue}>
      {(d) => (
        <>
          <PageHeading title={d.title} kicker={t('organise.issueKicker')} back={{ href: '/organise', label: t('organise.title') }} />
          <PhaseSteps phase={d.cycle.phase} cycle={d.cycle.number} />
          <p className="lead">{t(`phase.${d.cycle.phase}.organiser`)}</p>
          {d.cycle.belowTarget && <p className="badge badge--warning">{t('organise.belowTarget')}</p>}
          <Tools issue={d} />
          <EmbraceFigures orgId={orgId} issueId={d.id} />
          <Advance orgId={orgId} issue={d} onAdvanced={issue.reload} />
          {d.status === 'open' && <Blocking orgId={orgId} issueId={d.id} />}
          {(d.cycle.phase === 'propagate' || d.cycle.phase === 'test') && <NewAction orgId={orgId} issueId={d.id} />}
          <p>
            <Link href={`/issues/${d.id}`}>{t('organise.membersView')}</Link>
          </p>
        </>
      )}
    </Loaded>
  );
}

function Tools({ issue }: { issue: IssueDetailDto }) {
  const { t } = useTranslation();
  const waiting = issue.statements.filter((s) => s.status === 'unmoderated').length;
  const tools = [
    {
      href: `/organise/issues/${issue.id}/moderation`,
      label: t('organise.tools.moderation'),
      detail: t('organise.tools.moderationDetail', { count: waiting }),
    },
    {
      href: `/organise/issues/${issue.id}/map`,
      label: t('organise.tools.map'),
      detail: t('organise.tools.mapDetail', { participants: issue.participants, votes: issue.votes }),
    },
    { href: `/organise/issues/${issue.id}/themes`, label: t('organise.tools.themes'), detail: t('organise.tools.themesDetail') },
    { href: `/organise/issues/${issue.id}/line`, label: t('organise.tools.line'), detail: t('organise.tools.lineDetail') },
    { href: `/issues/${issue.id}/practice`, label: t('organise.tools.practice'), detail: t('organise.tools.practiceDetail') },
  ];
  return (
    <nav aria-label={t('organise.tools.label')}>
      <ul className="tool-grid">
        {tools.map((tool) => (
          <li key={tool.href}>
            <Link href={tool.href} className="tool">
              <span className="tool__label">{tool.label}</span>
              <span className="tool__detail">{tool.detail}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Advance({ orgId, issue, onAdvanced }: { orgId: string; issue: IssueDetailDto; onAdvanced: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmission();
  const [result, setResult] = useState<{ to: Phase; shortfalls: string[]; seeded: number } | null>(null);
  const to: Phase = nextPhase(issue.cycle.phase) ?? 'gather';
  if (issue.status !== 'open') return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const r = await api.advanceCycle(orgId, issue.id, note.trim() || undefined);
      setResult({ to: r.cycle.phase, shortfalls: r.embrace?.shortfalls ?? [], seeded: r.seeded });
      setNote('');
      onAdvanced();
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('organise.advanceTitle')}</h2>
      {result && (
        <Success>
          <p className="notice__title">{t('organise.advanced', { phase: t(`phase.${result.to}.name`) })}</p>
          {result.seeded > 0 && <p>{t('organise.seeded', { count: result.seeded })}</p>}
          {result.shortfalls.length > 0 && (
            <>
              <p>{t('organise.shortfalls')}</p>
              <ul>
                {result.shortfalls.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
        </Success>
      )}
      <form className="form card" onSubmit={(e) => void submit(e)}>
        <p>{t(`organise.advanceHint.${issue.cycle.phase}`)}</p>
        <div className="field">
          <label htmlFor={`${id}-note`}>
            {t('organise.note')} <span className="optional">{t('form.optional')}</span>
          </label>
          <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} maxLength={textLimits.cycleNote.max} />
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {issue.cycle.phase === 'test' ? t('organise.newCycle') : t('organise.advance', { phase: t(`phase.${to}.name`) })}
        </button>
      </form>
    </section>
  );
}

function NewAction({ orgId, issueId }: { orgId: string; issueId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, run } = useSubmission();
  const [created, setCreated] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const a = await api.createAction(orgId, issueId, { title: title.trim(), description: description.trim() });
      setCreated(a.title);
      setTitle('');
      setDescription('');
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('organise.actionTitle')}</h2>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('organise.actionName')}</label>
          <input
            id={`${id}-title`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            minLength={textLimits.actionTitle.min}
            maxLength={textLimits.actionTitle.max}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>
            {t('organise.actionDescription')} <span className="optional">{t('form.optional')}</span>
          </label>
          <textarea
            id={`${id}-description`}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            maxLength={textLimits.actionDescription.max}
          />
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {t('organise.createAction')}
        </button>
        {created && (
          <Success>
            <p className="notice__title">{t('organise.actionCreated', { title: created })}</p>
          </Success>
        )}
      </form>
    </section>
  );
}

/**
 * How the members answered the current line, in every phase once a line is published: embrace
 * rate overall, per opinion group and per constituency, against the targets once enough are heard.
 */
function EmbraceFigures({ orgId, issueId }: { orgId: string; issueId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const data = useResource(async () => {
    const version = currentVersion((await api.line(orgId, issueId)).versions);
    if (!version) return null;
    const [embrace, analysis] = await Promise.all([api.embrace(orgId, version.id), api.analysis(orgId, issueId).catch(() => null)]);
    return { version, embrace, labels: analysis ? groupLabels(analysis.snapshot.groups) : new Map<string, string>() };
  }, [orgId, issueId]);
  useLiveReload(data.reload, (e) => concernsIssue(e, issueId, ['line', 'phase', 'analysis']));
  const rate = (r: number | null) => (r === null ? '—' : f.percent(r));
  return (
    <Loaded resource={data}>
      {(d) =>
        d && (
          <section className="card" aria-labelledby="embrace-heading">
            <h2 id="embrace-heading" className="card__title">
              {t('embrace.title', { number: d.version.number })}{' '}
              {d.embrace.overall.status === 'not-yet-heard' ? (
                <span className="badge">{t('embrace.notYetHeardBadge')}</span>
              ) : (
                <span className={d.embrace.meetsTarget ? 'badge badge--confirms' : 'badge badge--warning'}>
                  {d.embrace.meetsTarget ? t('embrace.meets') : t('embrace.below')}
                </span>
              )}
            </h2>
            <p>
              {d.embrace.overall.status === 'not-yet-heard'
                ? t('embrace.overallNotYetHeard', { count: d.embrace.overall.responders, needed: d.embrace.overall.needed })
                : t('embrace.overall', { rate: rate(d.embrace.overall.rate), embraced: d.embrace.overall.embraced, count: d.embrace.overall.responders })}
            </p>
            <ul>
              {d.embrace.groups.map((g) => (
                <li key={g.groupId}>
                  {g.status === 'not-yet-heard'
                    ? t('embrace.groupNotYetHeard', {
                        group: d.labels.get(g.groupId) ?? g.groupId,
                        heard: t('embrace.notYetHeard', { count: g.responders, needed: g.needed }),
                      })
                    : t('embrace.group', { group: d.labels.get(g.groupId) ?? g.groupId, rate: rate(g.rate), embraced: g.embraced, count: g.responders })}
                </li>
              ))}
              {d.embrace.constituencies.map((c) => (
                <li key={c.constituency}>
                  {c.status === 'not-yet-heard'
                    ? t('embrace.constituencyNotYetHeard', {
                        constituency: c.constituency,
                        heard: t('embrace.notYetHeard', { count: c.responders, needed: c.needed }),
                      })
                    : t('embrace.constituency', { constituency: c.constituency, rate: rate(c.rate), embraced: c.embraced, count: c.responders })}
                </li>
              ))}
            </ul>
            <details className="how">
              <summary>{t('health.how')}</summary>
              <p>{d.embrace.how}</p>
            </details>
          </section>
        )
      }
    </Loaded>
  );
}

/** MODEL.md §6: which open issues this one must be resolved before (blocking comes first in the ranking), and which it waits on. */
function Blocking({ orgId, issueId }: { orgId: string; issueId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const data = useResource(async () => {
    const [marks, list] = await Promise.all([api.marks(orgId, issueId), api.issues(orgId)]);
    return { marks, open: list.issues.filter((i) => i.status === 'open' && i.id !== issueId) };
  }, [orgId, issueId]);
  const [choice, setChoice] = useState('');
  const { busy, error, run } = useSubmission();

  async function submit(e: FormEvent, blockedId: string) {
    e.preventDefault();
    if (!blockedId) return;
    await run(async () => {
      await api.markBlocks(orgId, issueId, blockedId);
      setChoice('');
      data.reload();
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('organise.blocking.title')}</h2>
      <p className="hint">{t('organise.blocking.hint')}</p>
      <Loaded resource={data}>
        {(d) => {
          const marked = new Set(d.marks.blocks.map((b) => b.issueId));
          const candidates = d.open.filter((i) => !marked.has(i.id));
          const chosen = candidates.some((i) => i.id === choice) ? choice : (candidates[0]?.id ?? '');
          return (
            <div className="card">
              {d.marks.blocks.length === 0 ? (
                <p>{t('organise.blocking.none')}</p>
              ) : (
                <>
                  <p>{t('organise.blocking.before')}</p>
                  <ul className="plain-list">
                    {d.marks.blocks.map((b) => (
                      <li key={b.issueId}>
                        {b.title}{' '}
                        <button
                          type="button"
                          className="button button--secondary"
                          disabled={busy}
                          onClick={() =>
                            void run(async () => {
                              await api.unmarkBlocks(orgId, issueId, b.issueId);
                              data.reload();
                            })
                          }
                        >
                          {t('organise.blocking.unmark', { title: b.title })}
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {d.marks.blockedBy.length > 0 && <p>{t('organise.blocking.waitsOn', { titles: d.marks.blockedBy.map((b) => b.title).join(', ') })}</p>}
              {error && <ErrorNotice error={error} />}
              {candidates.length > 0 && (
                <form className="form" onSubmit={(e) => void submit(e, chosen)}>
                  <div className="field">
                    <label htmlFor={`${id}-blocks`}>{t('organise.blocking.choose')}</label>
                    <select id={`${id}-blocks`} value={chosen} onChange={(e) => setChoice(e.target.value)}>
                      {candidates.map((i) => (
                        <option key={i.id} value={i.id}>
                          {i.title}
                        </option>
                      ))}
                    </select>
                  </div>
                  <button type="submit" className="button" disabled={busy || !chosen}>
                    {t('organise.blocking.mark')}
                  </button>
                </form>
              )}
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}
