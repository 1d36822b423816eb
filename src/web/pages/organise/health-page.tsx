import { useId, useMemo, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, type ChangeListDto, type HealthReportDto, type HealthTrailDto, type MeDto, type WhatIfDto } from '../../api/client.js';
import { useSubmission } from '../../api/use-submission.js';
import { useResource, type Resource } from '../../api/use-resource.js';
import { HealthHistoryChart } from '../../charts/health-history-chart.js';
import { healthHistorySeries } from '../../charts/health-history-series.js';
import { HealthPlaneChart, type HealthPlaneLabels } from '../../charts/health-plane-chart.js';
import { healthPlaneSeries, type Character } from '../../charts/health-plane-series.js';
import { aspectColours, characterColours } from '../../charts/palette.js';
import { Glossary, GlossaryLink } from '../../components/glossary.js';
import type { GlossaryEntry } from '../../components/glossary-entries.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { Empty, ErrorNotice, Loaded, Loading } from '../../components/states.js';
import { useFormat } from '../../locale.js';
import { formatNumber, formatPercent, healthInWords } from '../../../core/model/wording.js';

/**
 * MODEL.md §3 for the organisers: each issue's logic and practice, its character, its history and
 * its forecast, in plain words, each figure written as its explanation writes it and linked to the
 * glossary at the foot of the page.
 */
export function HealthPage() {
  return <RequireSession role="organiser">{(me) => <Health me={me} />}</RequireSession>;
}

type IssueHealth = HealthReportDto['issues'][number];
type Forecast = HealthReportDto['organisation']['forecast'];
type HealthDto = HealthReportDto['organisation']['health'];

interface HealthData {
  orgId: string;
  report: HealthReportDto;
  beta: number;
}

type Trails = Map<string, HealthTrailDto['points']>;

interface ChangesData {
  changes: ChangeListDto['changes'];
  /** Texts of the statements the changes name. */
  texts: Map<string, string>;
}

/**
 * The page's requests, so that none waits for one it does not need: the report and the
 * organisation's β draw the cards; each issue's trail is asked for as soon as the report names
 * the issues (the cards are shown meanwhile, their histories once the trails came); the changes,
 * and the texts of the statements they name, load beside them in their own section.
 */
function Health({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const data = useResource<HealthData>(async () => {
    const [report, org] = await Promise.all([api.health(orgId), api.organisation(orgId)]);
    return { orgId, report, beta: org.settings.beta ?? 2 };
  }, [orgId]);
  const changes = useResource<ChangesData>(async () => {
    const { changes } = await api.changes(orgId);
    const named = [...new Set(changes.filter((c) => typeof c.statementId === 'string').map((c) => c.issueId))];
    const details = await Promise.all(named.map((issueId) => api.issue(orgId, issueId).catch(() => null)));
    return { changes, texts: new Map(details.flatMap((d) => d?.statements.map((st) => [st.id, st.text] as const) ?? [])) };
  }, [orgId]);
  return (
    <>
      <PageHeading title={t('health.title')} kicker={me.organisation.name} />
      <p className="lead">{t('health.lead')}</p>
      <Loaded resource={data}>{(d) => <HealthView data={d} changes={changes} />}</Loaded>
    </>
  );
}

function HealthView({ data, changes }: { data: HealthData; changes: Resource<ChangesData> }) {
  const { t } = useTranslation();
  const { report, beta, orgId } = data;
  const org = report.organisation;
  const issueIds = useMemo(() => report.issues.map((i) => i.issueId), [report]);
  const trailsOf = useResource<Trails>(
    async () => new Map(await Promise.all(issueIds.map(async (issueId) => [issueId, (await api.healthTrail(orgId, issueId)).points] as const))),
    [orgId, issueIds.join(',')],
  );
  const trails = trailsOf.data;
  // An issue in its first gathering has no character yet: it is not placed on the plane.
  const judged = useMemo(() => report.issues.filter((i) => i.forecast.gathering === null), [report]);
  const series = useMemo(
    () =>
      healthPlaneSeries({
        beta,
        organisation: { l: org.health.l, pi: org.health.pi, label: t('health.organisation'), character: org.health.character },
        issues: judged.map((i) => ({
          key: i.issueId,
          label: shortTitle(i.title),
          l: i.health.l,
          pi: i.health.pi,
          character: i.health.character,
          trail: trails?.get(i.issueId) ?? [],
        })),
      }),
    [judged, trails, beta, org, t],
  );
  const labels: HealthPlaneLabels = useMemo(
    () => ({
      x: t('health.axisLogic'),
      y: t('health.axisPractice'),
      regions: {
        correct: t('health.character.correct'),
        fool: t('health.character.fool'),
        'left-communist': t('health.character.left-communist'),
        empiricist: t('health.character.empiricist'),
      },
      chart: t('health.planeLabel', { count: judged.length }),
    }),
    [t, judged.length],
  );
  const titles = useMemo(() => new Map(report.issues.map((i) => [i.issueId, i.title])), [report]);
  return (
    <>
      <section className="card" aria-labelledby="org-health-heading">
        <h2 id="org-health-heading" className="card__title">
          {t('health.organisationTitle')} <Verdict health={org.health} forecast={org.forecast} />
        </h2>
        <Aspects health={org.health} beta={beta} gathering={org.forecast.gathering !== null} />
        <ForecastLine forecast={org.forecast} />
      </section>

      {/* Drawn once, with the trails (or without them, should they fail): a chart drawn twice costs the reader's machine twice. */}
      <figure className="card chart-card" aria-labelledby="plane-caption" aria-busy={trailsOf.loading}>
        {trails || trailsOf.error ? <HealthPlaneChart series={series} labels={labels} /> : <Loading />}
        <figcaption id="plane-caption">
          <p>
            {t('health.howToRead', { beta })} <GlossaryLink entry="beta">{t('health.betaLink')}</GlossaryLink>
          </p>
          <ul className="legend">
            {(['correct', 'left-communist', 'empiricist', 'fool'] as const).map((c) => (
              <li key={c}>
                <span className="swatch" style={{ background: characterColours[c] }} aria-hidden="true" />
                <GlossaryLink entry={c}>{t(`health.character.${c}`)}</GlossaryLink>: {t(`health.meaning.${c}`)}
              </li>
            ))}
          </ul>
          {series.dots.some((d) => d.clamped) && <p className="hint">{t('health.clamped')}</p>}
          {judged.length < report.issues.length && <p className="hint">{t('health.gatheringNotOnPlane')}</p>}
        </figcaption>
      </figure>

      <section aria-labelledby="issues-health-heading">
        <h2 id="issues-health-heading">{t('health.issuesTitle')}</h2>
        {trailsOf.error && <ErrorNotice error={trailsOf.error} onRetry={trailsOf.reload} />}
        {report.issues.length === 0 ? (
          <Empty title={t('health.noIssues')} />
        ) : (
          report.issues.map((i) => (
            <IssueCard
              key={i.issueId}
              orgId={orgId}
              issue={i}
              beta={beta}
              trail={trails ? (trails.get(i.issueId) ?? []) : trailsOf.error ? 'failed' : 'loading'}
            />
          ))
        )}
      </section>

      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">{t('health.changesTitle')}</h2>
        <p className="hint">{t('health.changesHint')}</p>
        <Loaded resource={changes}>{(c) => <Changes changes={c.changes} texts={c.texts} titles={titles} />}</Loaded>
      </section>

      <Glossary />
    </>
  );
}

/** An issue's card; its history once its trail came (`loading` until then, `failed` when it could not be read). */
function IssueCard({ orgId, issue, beta, trail }: { orgId: string; issue: IssueHealth; beta: number; trail: HealthTrailDto['points'] | 'loading' | 'failed' }) {
  const { t } = useTranslation();
  const [whatIf, setWhatIf] = useState<WhatIfDto | null>(null);
  const q = issue.quality;
  // With no line yet there is nothing to ground, refute or concentrate into.
  const gathering = issue.forecast.gathering !== null;
  const quality = [
    ['grounding', q.grounding],
    ['concentration', q.concentration],
    ['representativeness', q.representativeness],
    ['refuted', q.refuted],
  ] as const;
  return (
    <section className="card issue-health" aria-labelledby={`health-${issue.issueId}`}>
      <h3 id={`health-${issue.issueId}`}>
        <Link href={`/organise/issues/${issue.issueId}`}>{issue.title}</Link> <Verdict health={issue.health} forecast={issue.forecast} />
        {issue.marks.driftedFromMasses && <span className="badge badge--warning">{t('line.driftedFromMasses')}</span>}
      </h3>
      <Aspects health={issue.health} beta={beta} gathering={issue.forecast.gathering !== null} />
      <ForecastLine forecast={issue.forecast} />
      {trail === 'loading' ? (
        <div className="history" aria-busy="true">
          <Loading />
        </div>
      ) : trail === 'failed' ? null : (
        <History issue={issue} trail={trail} whatIf={whatIf} />
      )}
      <WhatIfForm orgId={orgId} issueId={issue.issueId} onProjected={setWhatIf} />
      <dl className="quality">
        {quality.map(([key, figure]) => (
          <div key={key}>
            <dt>{t(`health.quality.${key}`)}</dt>
            <dd>
              <span className="quality__value">
                {figure.value === null || gathering ? '—' : key === 'refuted' ? formatNumber(figure.value) : formatPercent(figure.value)}
              </span>
              <span className="hint">{figure.how}</span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** An issue's ℓ and π over time, with the forecast and the what-if's projection. */
function History({ issue, trail, whatIf }: { issue: IssueHealth; trail: HealthTrailDto['points']; whatIf: WhatIfDto | null }) {
  const { t } = useTranslation();
  const day = useDay();
  const history = useMemo(() => healthHistorySeries(trail, issue.forecast, whatIf?.trail ?? []), [trail, issue.forecast, whatIf]);
  return (
    <figure className="history" aria-labelledby={`history-${issue.issueId}`}>
      <HealthHistoryChart
        series={history}
        labels={{
          aspects: { logic: t('health.logic'), practice: t('health.practice') },
          sufficiency: t('health.sufficiency'),
          forecast:
            history.forecast && issue.forecast.date
              ? t('health.crossesShort', { into: t(`health.character.${history.forecast.into}`), at: day(issue.forecast.date) })
              : null,
          chart: t('health.historyLabel'),
        }}
      />
      <figcaption id={`history-${issue.issueId}`}>
        <ul className="legend">
          <li>
            <span className="swatch" style={{ background: aspectColours.logic }} aria-hidden="true" />
            {t('health.logic')}
          </li>
          <li>
            <span className="swatch" style={{ background: aspectColours.practice }} aria-hidden="true" />
            {t('health.practice')}
          </li>
          {whatIf && <li>{t('health.projectedLegend')}</li>}
        </ul>
        <p className="hint">{t('health.historyText', { count: trail.length, first: trail[0]?.at ?? 0, l: issue.health.l, pi: issue.health.pi })}</p>
      </figcaption>
    </figure>
  );
}

/** MODEL.md §3's what-if: "consult every N weeks with M members" → the projected trail. */
function WhatIfForm({ orgId, issueId, onProjected }: { orgId: string; issueId: string; onProjected: (w: WhatIfDto) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [everyWeeks, setEveryWeeks] = useState(4);
  const [members, setMembers] = useState(25);
  const [result, setResult] = useState<string | null>(null);
  const { busy, error, run } = useSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const w = await api.whatIf(orgId, issueId, { everyWeeks, members });
      onProjected(w);
      setResult(w.how);
    });
  }

  return (
    <form className="what-if" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>{t('health.whatIf')}</legend>
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-weeks`}>{t('health.everyWeeks')}</label>
            <input
              id={`${id}-weeks`}
              type="number"
              inputMode="numeric"
              min={1}
              max={104}
              value={everyWeeks}
              onChange={(e) => setEveryWeeks(Number(e.target.value))}
              required
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-members`}>{t('health.members')}</label>
            <input
              id={`${id}-members`}
              type="number"
              inputMode="numeric"
              min={1}
              max={1000000}
              value={members}
              onChange={(e) => setMembers(Number(e.target.value))}
              required
            />
          </div>
        </div>
        <button type="submit" className="button button--secondary" disabled={busy}>
          {t('health.project')}
        </button>
      </fieldset>
      {error && <ErrorNotice error={error} />}
      <p role="status" className="what-if__result">
        {result}
      </p>
    </form>
  );
}

/** ℓ and π as the card shows them, and how they were computed in plain words, with the same figures. */
function Aspects({ health, beta, gathering }: { health: HealthDto; beta: number; gathering: boolean }) {
  const { t } = useTranslation();
  const terms = health.practice.terms;
  const words = healthInWords({
    pureLogic: health.pureLogic.value ?? 0,
    logicSufficiency: health.logicSufficiency,
    practice: health.practice.value ?? 0,
    practiceSufficiency: health.practiceSufficiency.value ?? 0,
    l: health.l,
    pi: health.pi,
    beta,
    character: gathering ? null : health.character,
    members: countIn(terms, 'members'),
    reports: countIn(terms, 'reports'),
  });
  return (
    <>
      <dl className="figures figures--compact">
        <div>
          <dt>
            <GlossaryLink entry="l">{t('health.logicShort')}</GlossaryLink>
          </dt>
          <dd>{formatNumber(health.l)}</dd>
        </div>
        <div>
          <dt>
            <GlossaryLink entry="pi">{t('health.practiceShort')}</GlossaryLink>
          </dt>
          <dd>{formatNumber(health.pi)}</dd>
        </div>
      </dl>
      <details className="how">
        <summary>{t('health.how')}</summary>
        <p className="how__words">{words}</p>
        <GlossaryTerms entries={['pureLogic', 'L0', 'practice', 'P0', 'halfLife']} />
        {!gathering && (
          <p className="hint how__notation">
            {t('health.inNotation')} {health.how}
          </p>
        )}
      </details>
    </>
  );
}

/** The glossary's entries for the words an explanation uses. */
function GlossaryTerms({ entries }: { entries: readonly GlossaryEntry[] }) {
  const { t } = useTranslation();
  return (
    <p className="hint how__terms">
      {t('health.inGlossary')}{' '}
      {entries.map((entry, i) => (
        <span key={entry}>
          {i > 0 && ', '}
          <GlossaryLink entry={entry}>{t(`glossary.entries.${entry}.term`)}</GlossaryLink>
        </span>
      ))}
    </p>
  );
}

/** A count among a figure's terms, when the model gives it. */
function countIn(terms: unknown, name: 'members' | 'reports'): number | undefined {
  const value = typeof terms === 'object' && terms !== null ? (terms as Record<string, unknown>)[name] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** A day (`YYYY-MM-DD`, UTC) in the reader's way of writing dates, with no hour. */
function useDay(): (day: string) => string {
  const f = useFormat();
  return (day) => f.date(`${day}T12:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' });
}

/** The day to consult by, the range of days the half-lives give, and how it was forecast. */
function ForecastLine({ forecast }: { forecast: Forecast }) {
  const { t } = useTranslation();
  const day = useDay();
  const how = (
    <details className="how">
      <summary>{t('health.forecastHow')}</summary>
      <p className="forecast__how">{forecast.how}</p>
      <GlossaryTerms entries={['forecast', 'halfLife']} />
    </details>
  );
  if (forecast.gathering) return <p className="forecast forecast--gathering">{t('health.gathering', { count: forecast.gathering.members })}</p>;
  if (forecast.already) {
    return (
      <>
        <p className="forecast forecast--now">{t('health.forecastAlready', { into: t(`health.character.${forecast.into ?? 'fool'}`) })}</p>
        {how}
      </>
    );
  }
  if (!forecast.into || !forecast.date) {
    return (
      <>
        <p className="forecast">{t('health.forecastNone')}</p>
        {how}
      </>
    );
  }
  const [fast, slow] = forecast.range.halfLifeDays;
  const { earliest, latest } = forecast.range;
  const range =
    latest === null
      ? t('health.forecastRangeOpen', { earliest: day(earliest ?? forecast.date), fast, slow })
      : t('health.forecastRange', { earliest: day(earliest ?? forecast.date), latest: day(latest), fast, slow });
  return (
    <>
      <p className="forecast forecast--ahead">
        <strong>{t('health.consultBy', { at: day(forecast.date) })}</strong> {t('health.forecastInto', { range, into: t(`health.character.${forecast.into}`) })}
      </p>
      {how}
    </>
  );
}

/** The character as a badge linked to its glossary entry; an issue in its first gathering gets none, only that it has no line yet. */
function Verdict({ health, forecast }: { health: HealthDto; forecast: Forecast }) {
  const { t } = useTranslation();
  if (forecast.gathering) {
    return (
      <GlossaryLink entry="firstGathering">
        <span className="badge badge--gathering">{t('health.noLineYet')}</span>
      </GlossaryLink>
    );
  }
  return (
    <GlossaryLink entry={health.character}>
      <span className={`badge badge--character badge--${health.character}`}>{t(`health.character.${health.character}`)}</span>
    </GlossaryLink>
  );
}

function Changes({ changes, titles, texts }: { changes: ChangeListDto['changes']; titles: Map<string, string>; texts: Map<string, string> }) {
  const { t } = useTranslation();
  // A change of character while an issue had no claims is no verdict: there was no line to judge.
  const newestFirst = [...changes]
    .filter((c) => characterChange(c)?.l !== 0)
    .sort((a, b) => b.at - a.at)
    .slice(0, 20);
  return newestFirst.length === 0 ? (
    <Empty title={t('health.noChanges')} />
  ) : (
    <ul className="plain-list">
      {newestFirst.map((c, i) => (
        <li key={`${c.at}-${i}`} className="card">
          <p className="meta">
            {t('date', { at: c.iso })} · {titles.get(c.issueId) ?? ''}
          </p>
          <p>{changeInWords(c, t)}</p>
          {typeof c.statementId === 'string' && texts.has(c.statementId) && (
            <p className="quote">
              <q>{texts.get(c.statementId)}</q>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

type QualitativeChange = ChangeListDto['changes'][number];
const characterNames = new Set<string>(['correct', 'left-communist', 'empiricist', 'fool']);

/** The detail of a change of character, when it is one. */
function characterChange(c: QualitativeChange): { from: Character; to: Character; l: number; pi: number; cause: unknown } | null {
  if (c.type !== 'character-changed') return null;
  const { from, to, l, pi, cause } = c.detail;
  if (
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    !characterNames.has(from) ||
    !characterNames.has(to) ||
    typeof l !== 'number' ||
    typeof pi !== 'number'
  )
    return null;
  return { from: from as Character, to: to as Character, l, pi, cause };
}

/** A change as the page tells it: a change of character in the characters' plain words and the card's figures, any other as the model describes it. */
function changeInWords(c: QualitativeChange, t: TFunction): string {
  const character = characterChange(c);
  if (!character) return c.description;
  const why = character.cause === 'decay' ? t('health.changeWhy.decay') : character.cause === 'membership' ? t('health.changeWhy.membership') : '';
  return t('health.characterChanged', {
    from: t(`health.character.${character.from}`),
    to: t(`health.character.${character.to}`),
    why,
    l: formatNumber(character.l),
    pi: formatNumber(character.pi),
  });
}

function shortTitle(title: string): string {
  return title.length > 28 ? `${title.slice(0, 27)}…` : title;
}
