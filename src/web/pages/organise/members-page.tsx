import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client.js';
import { api, type InviteDto, type MeDto } from '../../api/client.js';
import { asApiError, useSubmission } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { TableWrap } from '../../components/table-wrap.js';
import { Empty, ErrorNotice, Loaded, Success } from '../../components/states.js';
import { roles, type Role } from '../../../core/vocabulary.js';

const PAGE = 50;

/** Members and the invite links that bring them in. */
export function MembersPage() {
  return <RequireSession role="organiser">{(me) => <Members me={me} />}</RequireSession>;
}

function Members({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const [offset, setOffset] = useState(0);
  const members = useResource(() => api.members(orgId, { limit: PAGE, offset }), [orgId, offset]);
  const invites = useResource(() => api.invites(orgId), [orgId]);
  return (
    <>
      <PageHeading title={t('members.title')} kicker={me.organisation.name} />
      <section aria-labelledby="invites-heading">
        <h2 id="invites-heading">{t('members.invitesTitle')}</h2>
        <NewInvite orgId={orgId} isAdmin={me.member.role === 'admin'} onCreated={invites.reload} />
        <Loaded resource={invites}>{(d) => <InviteTable orgId={orgId} invites={d.invites} onRevoked={invites.reload} />}</Loaded>
      </section>
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">{t('members.membersTitle')}</h2>
        <Loaded resource={members}>
          {(d) => (
            <>
              <p className="meta">{t('members.showing', { from: d.total === 0 ? 0 : offset + 1, to: offset + d.members.length, count: d.total })}</p>
              <TableWrap label={t('members.membersTable')}>
                <table>
                  <caption className="visually-hidden">{t('members.membersTitle')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('members.name')}</th>
                      <th scope="col">{t('members.role')}</th>
                      <th scope="col">{t('members.constituency')}</th>
                      <th scope="col">{t('members.joined')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.members.map((m) => (
                      <tr key={m.id}>
                        <th scope="row">{m.displayName}</th>
                        <td>{t(`roles.${m.role}`)}</td>
                        <td>{m.constituency ?? '—'}</td>
                        <td>{t('date', { at: m.joinedAt })}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <nav className="pager" aria-label={t('members.pages')}>
                <button type="button" className="button button--secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  {t('members.previous')}
                </button>
                <button type="button" className="button button--secondary" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)}>
                  {t('members.next')}
                </button>
              </nav>
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}

function NewInvite({ orgId, isAdmin, onCreated }: { orgId: string; isAdmin: boolean; onCreated: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [role, setRole] = useState<Role>('member');
  const [maxUses, setMaxUses] = useState(25);
  const [days, setDays] = useState(7);
  const [constituency, setConstituency] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const { busy, error, run } = useSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setCopied(false);
    await run(async () => {
      const created = await api.createInvite(orgId, { role, maxUses, expiresInHours: days * 24, constituency: constituency.trim() || null });
      setLink(new URL(created.path, window.location.origin).href);
      onCreated();
    });
  }

  return (
    <form className="form card" onSubmit={(e) => void submit(e)}>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('members.inviteRole')}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles
              .filter((r) => isAdmin || r === 'member')
              .map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-uses`}>{t('members.maxUses')}</label>
          <input
            id={`${id}-uses`}
            type="number"
            inputMode="numeric"
            min={1}
            max={100000}
            value={maxUses}
            onChange={(e) => setMaxUses(Number(e.target.value))}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-days`}>{t('members.validDays')}</label>
          <input
            id={`${id}-days`}
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-constituency`}>
            {t('join.constituency')} <span className="optional">{t('form.optional')}</span>
          </label>
          <input id={`${id}-constituency`} value={constituency} onChange={(e) => setConstituency(e.target.value)} maxLength={60} />
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      <button type="submit" className="button" disabled={busy}>
        {t('members.createInvite')}
      </button>
      {link && (
        <Success>
          <p className="notice__title">{t('members.inviteCreated')}</p>
          <label htmlFor={`${id}-link`} className="visually-hidden">
            {t('members.inviteLink')}
          </label>
          <input id={`${id}-link`} className="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} data-testid="invite-link" />
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              // Refused (no permission): the link stays shown, selected on focus, to copy by hand.
              navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                (e: unknown) => console.error('copying the invitation link failed', e),
              );
            }}
          >
            {copied ? t('members.copied') : t('members.copy')}
          </button>
          <p className="hint">{t('members.shownOnce')}</p>
        </Success>
      )}
    </form>
  );
}

function InviteTable({ orgId, invites, onRevoked }: { orgId: string; invites: InviteDto[]; onRevoked: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError | null>(null);
  if (invites.length === 0) return <Empty title={t('members.noInvites')} />;
  return (
    <>
      {error && <ErrorNotice error={error} />}
      <TableWrap label={t('members.invitesTable')}>
        <table>
          <caption className="visually-hidden">{t('members.invitesTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('members.inviteRole')}</th>
              <th scope="col">{t('members.uses')}</th>
              <th scope="col">{t('members.expires')}</th>
              <th scope="col">{t('members.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('members.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.map((inv) => (
              <tr key={inv.id}>
                <td>
                  {t(`roles.${inv.role}`)}
                  {inv.constituency && <> · {inv.constituency}</>}
                </td>
                <td>{t('members.usesOf', { uses: inv.uses, max: inv.maxUses })}</td>
                <td>{t('date', { at: inv.expiresAt })}</td>
                <td>{inv.revoked ? t('members.revoked') : inv.usable ? t('members.usable') : t('members.spent')}</td>
                <td>
                  {inv.usable && (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        api.revokeInvite(orgId, inv.id).then(onRevoked, (e: unknown) => setError(asApiError(e)));
                      }}
                    >
                      {t('members.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
