import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { api, ApiError, type AnalysisDto, type IssueDetailDto, type MeDto } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../../api/use-live.js';
import { analysisFindings, type StatementFinding } from '../../analysis/findings.js';
import { OpinionMapChart } from '../../charts/opinion-map-chart.js';
import { opinionMapSeries } from '../../charts/opinion-map-series.js';
import { groupColour, unclusteredColour } from '../../charts/palette.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { GroupVotes } from '../../components/statement-figures.js';
import { Empty, Loaded } from '../../components/states.js';

/** Concentration: the opinion map, the groups and what each stands for, the consensus and the divisive statements. */
export function OpinionMapPage() {
  return <RequireSession role="organiser">{(me) => <OpinionMap me={me} />}</RequireSession>;
}

function OpinionMap({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const data = useResource(async () => {
    const issue = await api.issue(orgId, issueId);
    try {
      return { issue, analysis: await api.analysis(orgId, issueId) };
    } catch (e) {
      // No analysis yet is a state of the issue, not a failure.
      if (e instanceof ApiError && e.status === 404) return { issue, analysis: null };
      throw e;
    }
  }, [orgId, issueId]);
  // A new snapshot redraws the map; the statements' texts come with it.
  useLiveReload(data.reload, (e) => concernsIssue(e, issueId, ['analysis']), 5_000);
  return (
    <Loaded resource={data}>
      {({ issue, analysis }) => (
        <>
          <PageHeading title={t('map.title')} kicker={issue.title} back={{ href: `/organise/issues/${issueId}`, label: t('organise.backToIssue') }} />
          {analysis ? (
            <Analysis issue={issue} analysis={analysis} />
          ) : (
            <Empty title={t('map.noneTitle')}>
              <p>{t('map.none')}</p>
            </Empty>
          )}
        </>
      )}
    </Loaded>
  );
}

function Analysis({ issue, analysis }: { issue: IssueDetailDto; analysis: AnalysisDto }) {
  const { t } = useTranslation();
  const texts = useMemo(() => new Map(issue.statements.map((s) => [s.id, s.text])), [issue]);
  const findings = useMemo(() => analysisFindings(analysis.snapshot, texts), [analysis, texts]);
  const series = useMemo(() => opinionMapSeries(analysis.snapshot), [analysis]);
  const s = analysis.snapshot;
  return (
    <>
      <p className="meta">
        {t('map.meta', { at: analysis.createdAt, cycle: analysis.cycleNumber, participants: s.counts.participants, votes: s.counts.votes })}
        {analysis.stale && <> · {t('map.stale')}</>}
      </p>
      <figure className="card chart-card" aria-labelledby="map-caption">
        {series.points.length > 0 ? <OpinionMapChart series={series} label={t('map.chartLabel', { count: series.groups.length })} /> : <p>{t('map.noMap')}</p>}
        <figcaption id="map-caption">
          <p>{t('map.howToRead')}</p>
          <p>
            {t('map.summary', {
              clustered: findings.clustered,
              participants: findings.participants,
              count: findings.groups.length,
              unclustered: series.unclustered,
            })}
          </p>
          <ul className="legend">
            {findings.groups.map((g, i) => (
              <li key={g.id}>
                <span className="swatch" style={{ background: groupColour(i) }} aria-hidden="true" />
                {t('map.groupLegend', { group: g.label, count: g.size, share: g.share })}
              </li>
            ))}
            {series.unclustered > 0 && (
              <li>
                <span className="swatch" style={{ background: unclusteredColour }} aria-hidden="true" />
                {t('map.unclusteredLegend', { count: series.unclustered })}
              </li>
            )}
          </ul>
        </figcaption>
      </figure>

      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">{t('map.groupsTitle')}</h2>
        <p className="hint">{t('map.groupsHint')}</p>
        <div className="cards">
          {findings.groups.map((g, i) => (
            <section key={g.id} className="card group-card" aria-labelledby={`group-${g.id}`} style={{ borderTopColor: groupColour(i) }}>
              <h3 id={`group-${g.id}`}>{t('map.groupHeading', { group: g.label, count: g.size, share: g.share })}</h3>
              <FindingList
                findings={g.representative}
                describe={(f) => t(`map.representative.${f.direction ?? 'agree'}`, { share: f.share ?? 0, group: g.label })}
              />
            </section>
          ))}
        </div>
      </section>

      <section aria-labelledby="consensus-heading">
        <h2 id="consensus-heading">{t('map.consensusTitle')}</h2>
        <p className="hint">{t('map.consensusHint')}</p>
        <FindingList
          findings={findings.consensus}
          analysis={analysis}
          describe={(f) => t(`map.consensus.${f.direction ?? 'agree'}`, { share: f.share ?? 0 })}
        />
      </section>

      <section aria-labelledby="divisive-heading">
        <h2 id="divisive-heading">{t('map.divisiveTitle')}</h2>
        <p className="hint">{t('map.divisiveHint')}</p>
        <FindingList findings={findings.divisive} analysis={analysis} />
      </section>
    </>
  );
}

function FindingList({ findings, describe, analysis }: { findings: StatementFinding[]; describe?: (f: StatementFinding) => string; analysis?: AnalysisDto }) {
  const { t } = useTranslation();
  if (findings.length === 0) return <Empty title={t('map.nothing')} />;
  return (
    <ol className="findings">
      {findings.map((f) => (
        <li key={f.statementId} className="finding">
          <p className="finding__text">{f.text ?? t('map.hiddenStatement')}</p>
          {describe && <p className="finding__figure">{describe(f)}</p>}
          {analysis && <GroupVotes analysis={analysis} statementId={f.statementId} />}
        </li>
      ))}
    </ol>
  );
}
