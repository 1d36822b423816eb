import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { api, type MeDto, type ThemeDto, type ThemesDto, type ThemeSummaryDto } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../../api/use-live.js';
import { useSubmission } from '../../api/use-submission.js';
import { GroupVotesChart } from '../../charts/group-votes-chart.js';
import { themeVoteSeries } from '../../charts/theme-votes-series.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { Empty, ErrorNotice, Loaded } from '../../components/states.js';

type ThemeItem = ThemeDto['statements'][number];

/**
 * Concentrating free text: the issue's statements and reports grouped into named themes, each with
 * how every opinion group votes on it and the claims of the line citing it; duplicates merged here.
 */
export function ThemesPage() {
  return <RequireSession role="organiser">{(me) => <IssueThemes me={me} />}</RequireSession>;
}

function IssueThemes({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const data = useResource(async () => {
    const [issues, themes] = await Promise.all([api.issues(orgId), api.themes(orgId, issueId)]);
    return { title: issues.issues.find((i) => i.id === issueId)?.title, themes };
  }, [orgId, issueId]);
  useLiveReload(data.reload, (e) => concernsIssue(e, issueId, ['analysis']), 5_000);
  const [merged, setMerged] = useState<string | null>(null);
  const onMerged = (message: string) => {
    setMerged(message);
    data.reload();
  };
  return (
    <Loaded resource={data}>
      {({ title, themes }) => (
        <>
          <PageHeading title={t('themes.title')} kicker={title} back={{ href: `/organise/issues/${issueId}`, label: t('organise.backToIssue') }} />
          <p className="lead">{t('themes.lead')}</p>
          <p className="meta">
            {themes.analysis ? t('themes.fromAnalysis', { at: themes.analysis.createdAt }) : t('themes.noAnalysis')} ·{' '}
            {t('themes.computed', { at: themes.computedAt })}
          </p>
          <p className="vote-status" role="status">
            {merged}
          </p>
          {themes.themes.length === 0 ? (
            <Empty title={t('themes.noneTitle')}>
              <p>{t('themes.none')}</p>
            </Empty>
          ) : (
            <div className="plain-list">
              {themes.themes.map((theme) => (
                <Theme key={theme.id} orgId={orgId} issueId={issueId} theme={theme} summaryModel={themes.summaryModel} onMerged={onMerged} />
              ))}
            </div>
          )}
          <Unthemed orgId={orgId} issueId={issueId} unthemed={themes.unthemed} onMerged={onMerged} />
        </>
      )}
    </Loaded>
  );
}

function Theme({
  orgId,
  issueId,
  theme,
  summaryModel,
  onMerged,
}: {
  orgId: string;
  issueId: string;
  theme: ThemeDto;
  summaryModel: string | null;
  onMerged: (message: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="card__title">
        {theme.label}
      </h2>
      <p className="meta">
        {t('themes.terms', { terms: theme.terms.join(', ') })} · {t('themes.statements', { count: theme.statements.length })} ·{' '}
        {t('themes.reports', { count: theme.reports.length })}
      </p>
      <ThemeVotes theme={theme} />
      {summaryModel !== null && <ThemeSummaryPanel orgId={orgId} issueId={issueId} theme={theme} model={summaryModel} />}
      <h3>{t('themes.claimsTitle')}</h3>
      {theme.claims.length === 0 ? (
        <p className="hint">{t('themes.noClaims')}</p>
      ) : (
        <ul className="citations">
          {theme.claims.map((c) => (
            <li key={c.id}>
              {t('themes.claim', { number: c.versionNumber })} <q>{c.text}</q>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('themes.statementsTitle')}</h3>
      <ul className="plain-list">
        {theme.statements.map((s) => (
          <li key={s.id}>
            <p className="fate__text">{s.text}</p>
            <MergeInto orgId={orgId} issueId={issueId} statement={s} neighbours={theme.statements} onMerged={onMerged} />
          </li>
        ))}
      </ul>
      {theme.reports.length > 0 && (
        <>
          <h3>{t('themes.reportsTitle')}</h3>
          <ul>
            {theme.reports.map((r) => (
              <li key={r.id}>{r.text}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * A theme summed up by the organisation's own model, on request: each sentence with the
 * statements and reports it cites (the server drops a sentence citing nothing), so an organiser
 * can check every word against what members said.
 */
function ThemeSummaryPanel({ orgId, issueId, theme, model }: { orgId: string; issueId: string; theme: ThemeDto; model: string }) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmission();
  const [summary, setSummary] = useState<ThemeSummaryDto | null>(null);
  const texts = useMemo(() => new Map([...theme.statements, ...theme.reports].map((i) => [i.id, i.text])), [theme]);
  return (
    <div className="theme-summary">
      <button
        type="button"
        className="button button--secondary"
        disabled={busy}
        onClick={() => void run(async () => setSummary(await api.themeSummary(orgId, issueId, theme.id)))}
      >
        {summary ? t('themes.summariseAgain', { model }) : t('themes.summarise', { model })}
      </button>
      {error && <ErrorNotice error={error} />}
      {summary && (
        <>
          <h3>{t('themes.summaryTitle', { model: summary.model })}</h3>
          {summary.sentences.length === 0 ? (
            <p className="hint">{t('themes.summaryEmpty')}</p>
          ) : (
            <ol className="citations">
              {summary.sentences.map((sentence, i) => (
                <li key={i}>
                  <p>{sentence.text}</p>
                  <ul className="hint">
                    {sentence.cites.map((c) => (
                      <li key={c.ref}>
                        {t(c.kind === 'statement' ? 'themes.citesStatement' : 'themes.citesReport')} <q>{texts.get(c.ref) ?? c.ref}</q>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          )}
          {summary.dropped > 0 && <p className="hint">{t('themes.summaryDropped', { count: summary.dropped })}</p>}
        </>
      )}
    </div>
  );
}

/** How each opinion group votes on the theme's statements: a stacked bar per group, and the same figures as text. */
function ThemeVotes({ theme }: { theme: ThemeDto }) {
  const { t } = useTranslation();
  const series = useMemo(() => themeVoteSeries(theme.groups), [theme]);
  const voteLabels = useMemo(() => ({ agree: t('vote.agree'), pass: t('vote.pass'), disagree: t('vote.disagree') }), [t]);
  if (series.groups.length === 0) return <p className="hint">{t('themes.noGroups')}</p>;
  return (
    <div className="group-votes">
      <GroupVotesChart series={series} voteLabels={voteLabels} label={t('themes.groupVotesLabel', { theme: theme.label })} />
      <ul className="group-votes__text">
        {series.groups.map((g) => (
          <li key={g.group}>{t('themes.groupVotes', { group: g.group, agree: g.agree, disagree: g.disagree, pass: g.pass, count: g.voters })}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * "Merge into…": the statements most like this one (asked when opened), then the rest of its
 * theme; merging carries its voters' votes to the one chosen.
 */
function MergeInto({
  orgId,
  issueId,
  statement,
  neighbours,
  onMerged,
}: {
  orgId: string;
  issueId: string;
  statement: ThemeItem;
  neighbours: readonly ThemeItem[];
  onMerged: (message: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [into, setInto] = useState('');
  const { busy, error, run } = useSubmission();
  const similar = useResource(async () => (open ? (await api.similar(orgId, issueId, statement.text)).matches : []), [orgId, issueId, statement.text, open]);
  const candidates = useMemo(() => {
    const out = new Map<string, string>();
    for (const m of similar.data ?? []) if (m.statement.id !== statement.id) out.set(m.statement.id, m.statement.text);
    for (const n of neighbours) if (n.id !== statement.id && !out.has(n.id)) out.set(n.id, n.text);
    return [...out];
  }, [similar.data, neighbours, statement.id]);
  const chosen = into || candidates[0]?.[0] || '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!chosen) return;
    await run(async () => {
      const r = await api.merge(orgId, statement.id, chosen);
      onMerged(t('themes.merged', { text: statement.text, into: r.into.text, count: r.carried }));
    });
  }

  return (
    <details className="how" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('themes.mergeInto')}</summary>
      {open && (
        <form className="form" onSubmit={(e) => void submit(e)}>
          <p className="hint">{t('themes.mergeHint')}</p>
          <div className="field">
            <label htmlFor={`${id}-into`}>{t('themes.mergeTarget')}</label>
            <select id={`${id}-into`} value={chosen} onChange={(e) => setInto(e.target.value)} disabled={candidates.length === 0}>
              {candidates.map(([cid, text]) => (
                <option key={cid} value={cid}>
                  {text}
                </option>
              ))}
            </select>
          </div>
          {error && <ErrorNotice error={error} />}
          <button type="submit" className="button button--secondary" disabled={busy || !chosen}>
            {t('themes.merge')}
          </button>
        </form>
      )}
    </details>
  );
}

/** Statements and reports in no theme: a pair of duplicates is too small for a theme, so each statement can be merged here too. */
function Unthemed({
  orgId,
  issueId,
  unthemed,
  onMerged,
}: {
  orgId: string;
  issueId: string;
  unthemed: ThemesDto['unthemed'];
  onMerged: (message: string) => void;
}) {
  const { t } = useTranslation();
  const count = unthemed.statements.length + unthemed.reports.length;
  if (count === 0) return null;
  return (
    <section aria-labelledby="unthemed-heading">
      <h2 id="unthemed-heading">{t('themes.unthemedTitle', { count })}</h2>
      <p className="hint">{t('themes.unthemedHint')}</p>
      <ul className="plain-list">
        {unthemed.statements.map((s) => (
          <li key={s.id}>
            <p className="fate__text">{s.text}</p>
            <MergeInto orgId={orgId} issueId={issueId} statement={s} neighbours={[]} onMerged={onMerged} />
          </li>
        ))}
      </ul>
      {unthemed.reports.length > 0 && (
        <>
          <h3>{t('themes.reportsTitle')}</h3>
          <ul>
            {unthemed.reports.map((r) => (
              <li key={r.id}>{r.text}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
