import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, type ChangeListDto, type HealthReportDto, type HealthTrailDto, type MeDto, type WhatIfDto } from '../../api/client.js';
import { useSubmission } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { HealthHistoryChart } from '../../charts/health-history-chart.js';
import { healthHistorySeries } from '../../charts/health-history-series.js';
import { HealthPlaneChart, type HealthPlaneLabels } from '../../charts/health-plane-chart.js';
import { healthPlaneSeries, type Character } from '../../charts/health-plane-series.js';
import { aspectColours, characterColours } from '../../charts/palette.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { Empty, ErrorNotice, Loaded } from '../../components/states.js';
import { useFormat } from '../../locale.js';

/** MODEL.md §3 for the organisers: each issue's logic and practice, its character, its history and its forecast. */
export function HealthPage() {
  return <RequireSession role="organiser">{(me) => <Health me={me} />}</RequireSession>;
}

type IssueHealth = HealthReportDto['issues'][number];
type Forecast = HealthReportDto['organisation']['forecast'];

interface HealthData {
  orgId: string;
  report: HealthReportDto;
  trails: Map<string, HealthTrailDto['points']>;
  beta: number;
  changes: ChangeListDto['changes'];
  /** Texts of the statements the changes name. */
  texts: Map<string, string>;
}

function Health({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const data = useResource<HealthData>(async () => {
    const [report, org, changes] = await Promise.all([api.health(orgId), api.organisation(orgId), api.changes(orgId)]);
    const trails = await Promise.all(report.issues.map(async (i) => [i.issueId, (await api.healthTrail(orgId, i.issueId)).points] as const));
    const named = [...new Set(changes.changes.filter((c) => typeof c.statementId === 'string').map((c) => c.issueId))];
    const details = await Promise.all(named.map((issueId) => api.issue(orgId, issueId).catch(() => null)));
    const texts = new Map(details.flatMap((d) => d?.statements.map((st) => [st.id, st.text] as const) ?? []));
    return { orgId, report, trails: new Map(trails), beta: org.settings.beta ?? 2, changes: changes.changes, texts };
  }, [orgId]);
  return (
    <>
      <PageHeading title={t('health.title')} kicker={me.organisation.name} />
      <p className="lead">{t('health.lead')}</p>
      <Loaded resource={data}>{(d) => <HealthView data={d} />}</Loaded>
    </>
  );
}

function HealthView({ data }: { data: HealthData }) {
  const { t } = useTranslation();
  const { report, trails, beta } = data;
  const org = report.organisation;
  const series = useMemo(
    () =>
      healthPlaneSeries({
        beta,
        organisation: { l: org.health.l, pi: org.health.pi, label: t('health.organisation'), character: org.health.character },
        issues: report.issues.map((i) => ({ key: i.issueId, label: shortTitle(i.title), l: i.health.l, pi: i.health.pi, character: i.health.character, trail: trails.get(i.issueId) ?? [] })),
      }),
    [report, trails, beta, org, t],
  );
  const labels: HealthPlaneLabels = useMemo(
    () => ({
      x: t('health.axisLogic'),
      y: t('health.axisPractice'),
      regions: { correct: t('health.character.correct'), fool: t('health.character.fool'), 'left-communist': t('health.character.left-communist'), empiricist: t('health.character.empiricist') },
      chart: t('health.planeLabel', { count: report.issues.length }),
    }),
    [t, report.issues.length],
  );
  return (
    <>
      <section className="card" aria-labelledby="org-health-heading">
        <h2 id="org-health-heading" className="card__title">
          {t('health.organisationTitle')} <CharacterBadge character={org.health.character} />
        </h2>
        <Aspects l={org.health.l} pi={org.health.pi} how={org.health.how} />
        <ForecastLine forecast={org.forecast} />
      </section>

      <figure className="card chart-card" aria-labelledby="plane-caption">
        <HealthPlaneChart series={series} labels={labels} />
        <figcaption id="plane-caption">
          <p>{t('health.howToRead', { beta })}</p>
          <ul className="legend">
            {(['correct', 'left-communist', 'empiricist', 'fool'] as const).map((c) => (
              <li key={c}>
                <span className="swatch" style={{ background: characterColours[c] }} aria-hidden="true" />
                {t(`health.character.${c}`)}: {t(`health.meaning.${c}`)}
              </li>
            ))}
          </ul>
          {series.dots.some((d) => d.clamped) && <p className="hint">{t('health.clamped')}</p>}
        </figcaption>
      </figure>

      <section aria-labelledby="issues-health-heading">
        <h2 id="issues-health-heading">{t('health.issuesTitle')}</h2>
        {report.issues.length === 0 ? <Empty title={t('health.noIssues')} /> : report.issues.map((i) => <IssueCard key={i.issueId} orgId={data.orgId} issue={i} trail={trails.get(i.issueId) ?? []} />)}
      </section>

      <Changes changes={data.changes} texts={data.texts} titles={new Map(report.issues.map((i) => [i.issueId, i.title]))} />
    </>
  );
}

function IssueCard({ orgId, issue, trail }: { orgId: string; issue: IssueHealth; trail: HealthTrailDto['points'] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [whatIf, setWhatIf] = useState<WhatIfDto | null>(null);
  const history = useMemo(() => healthHistorySeries(trail, issue.forecast, whatIf?.trail ?? []), [trail, issue.forecast, whatIf]);
  const q = issue.quality;
  const quality = [
    ['grounding', q.grounding],
    ['concentration', q.concentration],
    ['representativeness', q.representativeness],
    ['refuted', q.refuted],
  ] as const;
  return (
    <section className="card issue-health" aria-labelledby={`health-${issue.issueId}`}>
      <h3 id={`health-${issue.issueId}`}>
        <Link href={`/organise/issues/${issue.issueId}`}>{issue.title}</Link> <CharacterBadge character={issue.health.character} />
        {issue.marks.driftedFromMasses && <span className="badge badge--warning">{t('line.driftedFromMasses')}</span>}
      </h3>
      <Aspects l={issue.health.l} pi={issue.health.pi} how={issue.health.how} />
      <ForecastLine forecast={issue.forecast} />
      <figure className="history" aria-labelledby={`history-${issue.issueId}`}>
        <HealthHistoryChart
          series={history}
          labels={{
            aspects: { logic: t('health.logic'), practice: t('health.practice') },
            sufficiency: t('health.sufficiency'),
            forecast: history.forecast ? t('health.crossesShort', { into: t(`health.character.${history.forecast.into}`), at: history.forecast.at.toISOString() }) : null,
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
      <WhatIfForm orgId={orgId} issueId={issue.issueId} onProjected={setWhatIf} />
      <dl className="quality">
        {quality.map(([key, figure]) => (
          <div key={key}>
            <dt>{t(`health.quality.${key}`)}</dt>
            <dd>
              <span className="quality__value">{figure.value === null ? '—' : key === 'refuted' ? f.number(figure.value) : f.percent(figure.value)}</span>
              <span className="hint">{figure.how}</span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
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
            <input id={`${id}-weeks`} type="number" inputMode="numeric" min={1} max={104} value={everyWeeks} onChange={(e) => setEveryWeeks(Number(e.target.value))} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-members`}>{t('health.members')}</label>
            <input id={`${id}-members`} type="number" inputMode="numeric" min={1} max={1000000} value={members} onChange={(e) => setMembers(Number(e.target.value))} required />
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

function Aspects({ l, pi, how }: { l: number; pi: number; how: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const digits = (v: number) => f.number(v, { maximumSignificantDigits: 2 });
  return (
    <>
      <dl className="figures figures--compact">
        <div>
          <dt>{t('health.logicShort')}</dt>
          <dd>{digits(l)}</dd>
        </div>
        <div>
          <dt>{t('health.practiceShort')}</dt>
          <dd>{digits(pi)}</dd>
        </div>
      </dl>
      <details className="how">
        <summary>{t('health.how')}</summary>
        <p>{how}</p>
      </details>
    </>
  );
}

function ForecastLine({ forecast }: { forecast: Forecast }) {
  const { t } = useTranslation();
  if (forecast.already) return <p className="forecast forecast--now">{t('health.forecastAlready', { into: t(`health.character.${forecast.into ?? 'fool'}`) })}</p>;
  if (!forecast.into || !forecast.iso) return <p className="forecast">{t('health.forecastNone')}</p>;
  return (
    <p className="forecast forecast--ahead">
      <strong>{t('health.consultBy', { at: forecast.iso })}</strong> {t('health.forecastInto', { into: t(`health.character.${forecast.into}`) })}
    </p>
  );
}

function CharacterBadge({ character }: { character: Character }) {
  const { t } = useTranslation();
  return <span className={`badge badge--character badge--${character}`}>{t(`health.character.${character}`)}</span>;
}

function Changes({ changes, titles, texts }: { changes: ChangeListDto['changes']; titles: Map<string, string>; texts: Map<string, string> }) {
  const { t } = useTranslation();
  const newestFirst = [...changes].sort((a, b) => b.at - a.at).slice(0, 20);
  return (
    <section aria-labelledby="changes-heading">
      <h2 id="changes-heading">{t('health.changesTitle')}</h2>
      <p className="hint">{t('health.changesHint')}</p>
      {newestFirst.length === 0 ? (
        <Empty title={t('health.noChanges')} />
      ) : (
        <ul className="plain-list">
          {newestFirst.map((c, i) => (
            <li key={`${c.at}-${i}`} className="card">
              <p className="meta">
                {t('date', { at: c.iso })} · {titles.get(c.issueId) ?? ''}
              </p>
              <p>{c.description}</p>
              {typeof c.statementId === 'string' && texts.has(c.statementId) && (
                <p className="quote">
                  <q>{texts.get(c.statementId)}</q>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function shortTitle(title: string): string {
  return title.length > 28 ? `${title.slice(0, 27)}…` : title;
}
