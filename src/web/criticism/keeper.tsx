/**
 * Mounted once for the whole app: for a logged-in member, on the first page load of each epoch
 * (and any load after a refill that did not go through), whatever the page, the wallet is refilled
 * in the background (this week's tokens and next week's), and criticism
 * waiting for its moment is sent when the moment comes. So being issued tokens says nothing about
 * who criticises, and a token is issued long before it is spent.
 */
import { useEffect } from 'react';
import { useSession } from '../session.js';
import { watchOutbox } from './outbox.js';
import { refill, refillDue } from './refill.js';

export function CriticismKeeper() {
  const { me } = useSession();
  const orgId = me?.organisation.id;
  useEffect(() => {
    if (!orgId) return;
    // At most once per page load (refill() answers later calls with the same attempt), and only
    // until this browser's refill of this epoch went through.
    if (refillDue(orgId)) void refill(orgId);
    return watchOutbox(orgId);
  }, [orgId]);
  return null;
}
