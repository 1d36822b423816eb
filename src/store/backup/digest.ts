import { createHash } from 'node:crypto';

const MASK = (1n << 256n) - 1n;

/** A digest of a set of rows that does not depend on their order (sum of sha-256 mod 2^256): the dialects order text differently. */
export class RowSetDigest {
  private sum = 0n;
  count = 0;
  add(values: (string | null)[]): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`)) & MASK;
    this.count += 1;
  }
  equals(other: RowSetDigest): boolean {
    return this.sum === other.sum && this.count === other.count;
  }
}
