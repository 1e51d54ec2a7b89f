// Which account a work belongs to, at a glance: two letters and a colour per account, distinct
// between the accounts configured (two accounts starting with "S" read "ST" and "SK"). Colours carry
// white text at WCAG AA (4.5:1 or more) on their own.

export interface AccountBadge {
  initials: string;
  /** background colour; the text on it is white */
  color: string;
  /** what the badge stands for, read out instead of the letters */
  name: string;
}

/** Hues far apart, each dark enough for white 11 px text (contrast 5.3-6.8:1). */
export const BADGE_COLORS = [
  '#3b5bdb',
  '#0b7a5a',
  '#a3470b',
  '#8e3fb8',
  '#b42c5a',
  '#0e6e8c',
  '#6b5a00',
  '#5c6370',
] as const;

interface AccountLike {
  email: string;
  label?: string | null;
}

/** The letters a name offers, in the order they would be tried: word starts first, then the rest. */
function candidates(name: string): string[] {
  const words = name
    .split('@')[0]!
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const first = words[0] ?? '?';
  const pairs: string[] = [];
  if (words.length > 1) pairs.push(first[0]! + words[1]![0]!);
  for (let i = 1; i < first.length; i += 1) pairs.push(first[0]! + first[i]!);
  pairs.push(first[0]!);
  return pairs.map((pair) => pair.toUpperCase());
}

function shownName(account: AccountLike): string {
  return account.label && account.label !== account.email ? account.label : account.email;
}

/**
 * A badge per account, in the accounts' order: initials unique among them where the names allow
 * (a digit is added otherwise), colours in turn.
 */
export function accountBadges(accounts: readonly AccountLike[]): Map<string, AccountBadge> {
  const badges = new Map<string, AccountBadge>();
  const taken = new Set<string>();
  accounts.forEach((account, index) => {
    const name = shownName(account);
    const options = candidates(name);
    let initials = options.find((pair) => !taken.has(pair)) ?? options[0]!;
    for (let n = 2; taken.has(initials); n += 1) initials = `${options[0]![0]}${n}`;
    taken.add(initials);
    badges.set(account.email, {
      initials,
      color: BADGE_COLORS[index % BADGE_COLORS.length]!,
      name:
        account.label && account.label !== account.email
          ? `${account.label} (${account.email})`
          : account.email,
    });
  });
  return badges;
}

/** A badge for an account the settings do not list (a library from elsewhere): from its email alone. */
export function fallbackBadge(email: string): AccountBadge {
  let hash = 0;
  for (const char of email) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return {
    initials: candidates(email)[0] ?? '?',
    color: BADGE_COLORS[hash % BADGE_COLORS.length]!,
    name: email,
  };
}
