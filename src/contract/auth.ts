import { z } from 'zod';
import { roles } from '../core/index.js';
import { Id, text } from './common.js';

export const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$/, 'must be 3–48 lowercase letters, digits or hyphens, not starting or ending with a hyphen');
export const Email = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an e-mail address');
export const Password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const SignupBody = z
  .object({
    organisation: z.object({ name: text(1, 120), slug: Slug }).strict(),
    displayName: text(1, 80),
    email: Email,
    password: Password,
  })
  .strict();

export const LoginBody = z.object({ organisation: Slug, email: Email, password: z.string().min(1, 'must not be empty').max(200) }).strict();

export const Me = z.object({
  member: z.object({ id: Id, displayName: z.string(), role: z.enum(roles), constituency: z.string().nullable() }),
  organisation: z.object({ id: Id, slug: z.string(), name: z.string() }),
});
export type Me = z.infer<typeof Me>;
