// Accounts: a useapi.net token plus a Kling email and a label. Several accounts may share a token, so
// tokens are kept apart (by id) and the UI only ever sees them masked.
import { z } from 'zod';
import { EmailSchema, LocalIdSchema, NoInputSchema, OkSchema } from './common';

/** A token as the user types it; never echoed back. */
export const TokenInputSchema = z
  .string()
  .trim()
  .min(8, 'the token looks too short')
  .max(500, 'the token looks too long')
  .regex(/^[\x21-\x7e]+$/, 'the token must be printable characters without spaces');

/** `user:1234…abcd`: enough to recognise a token, never enough to use it. */
export const MaskedTokenSchema = z.string().max(40);

export const AccountViewSchema = z.object({
  id: LocalIdSchema,
  label: z.string(),
  email: z.string(),
  tokenId: LocalIdSchema,
  maskedToken: MaskedTokenSchema,
  /** New tasks of this account are archived on their own. */
  watch: z.boolean(),
  /**
   * False when the account's token was given for another API host than the current API base: it is
   * not sent anywhere until it is entered again (accounts.update with a token).
   */
  tokenUsable: z.boolean(),
  /** Set when the engine stopped polling this account (e.g. the token was refused). */
  paused: z.object({ reason: z.string(), message: z.string() }).nullable(),
});

export const TokenViewSchema = z.object({
  tokenId: LocalIdSchema,
  maskedToken: MaskedTokenSchema,
  /** `stored`: saved by the app; `launch`: given at start (environment, flag or file), not saved. */
  source: z.enum(['stored', 'launch']),
  accounts: z.number().int(),
  /** The API origin (scheme://host:port) the token was given for; it is sent nowhere else. */
  origin: z.string(),
  /** The token's origin is the current API base's: it can be used. */
  usable: z.boolean(),
});

export const AccountsListSchema = z.object({
  accounts: z.array(AccountViewSchema),
  tokens: z.array(TokenViewSchema),
  activeAccountId: LocalIdSchema.nullable(),
});

/** Which token to use: a new one typed by the user, or one already known by its id. */
export const TokenRefSchema = z.union([
  z.object({ token: TokenInputSchema }).strict(),
  z.object({ tokenId: LocalIdSchema }).strict(),
]);

export const LabelSchema = z.string().trim().min(1, 'the label cannot be empty').max(80);

/** Adding or editing an account checks with useapi.net that the email is one of the token's accounts. */
export const AddAccountInputSchema = z.strictObject({
  email: EmailSchema,
  label: LabelSchema.optional(),
  credentials: TokenRefSchema,
  /** Make it the active account (default: only when there is none yet). */
  activate: z.boolean().optional(),
});

export const UpdateAccountInputSchema = z.strictObject({
  id: LocalIdSchema,
  label: LabelSchema.optional(),
  email: EmailSchema.optional(),
  credentials: TokenRefSchema.optional(),
  /** Switch watching this account on or off. */
  watch: z.boolean().optional(),
});

/** The emails configured under a token at useapi.net (GET /v1/kling/accounts). */
export const TokenTestOutputSchema = z.object({
  maskedToken: MaskedTokenSchema,
  emails: z.array(z.object({ email: z.string(), maxJobs: z.number().nullable() })),
  /** With an `email` asked about: whether it is one of those emails. */
  account: z.object({ email: z.string(), listed: z.boolean() }).optional(),
});

export const TokenTestInputSchema = z.strictObject({
  credentials: TokenRefSchema,
  /** An account's email: the answer says whether the token has it (an account's "Test token"). */
  email: EmailSchema.optional(),
});

export const ImportAccountsInputSchema = z.strictObject({
  credentials: TokenRefSchema,
  /** Which of the token's emails to add; omitted: all of them. */
  emails: z.array(EmailSchema).max(100).optional(),
});

export const ImportAccountsOutputSchema = z.object({
  added: z.array(AccountViewSchema),
  /** Emails that already had an account with this token. */
  skipped: z.array(z.string()),
});

export const accountsMethods = {
  'accounts.list': { input: NoInputSchema, output: AccountsListSchema },
  'accounts.add': { input: AddAccountInputSchema, output: AccountViewSchema },
  'accounts.update': { input: UpdateAccountInputSchema, output: AccountViewSchema },
  'accounts.remove': { input: z.strictObject({ id: LocalIdSchema }), output: OkSchema },
  /** Makes an account active: new task ids are asked of it first and the gallery shows it by default. */
  'accounts.switch': { input: z.strictObject({ id: LocalIdSchema }), output: AccountsListSchema },
  'accounts.test': { input: TokenTestInputSchema, output: TokenTestOutputSchema },
  'accounts.import': { input: ImportAccountsInputSchema, output: ImportAccountsOutputSchema },
} as const;

export type AccountView = z.infer<typeof AccountViewSchema>;
export type TokenView = z.infer<typeof TokenViewSchema>;
export type AccountsList = z.infer<typeof AccountsListSchema>;
export type TokenRef = z.infer<typeof TokenRefSchema>;
