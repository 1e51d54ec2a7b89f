// The Kling accounts under a useapi.net token, for the commands given a token instead of settings
// (sync, history, watch --token): GET /accounts, each account's email (its key when the answer has
// none). A token refused or with no account is the user's to fix (exit 2); an unreachable API is not.
import { createUseapiClient, describeResult } from '../../core/useapi';
import { UsageError } from './options';

export async function tokenEmails(base: string, token: string): Promise<string[]> {
  const result = await createUseapiClient({ baseUrl: base, token }).listAccounts();
  if (result.kind !== 'ok') {
    const message = `the token's accounts: ${describeResult(result)}`;
    if (result.kind === 'unauthorized' || result.kind === 'not_found') throw new UsageError(message);
    throw new Error(message);
  }
  const emails = Object.entries(result.value).map(([key, account]) => account.email ?? key);
  if (emails.length === 0) throw new UsageError('no Kling account is configured under this token');
  return emails;
}
