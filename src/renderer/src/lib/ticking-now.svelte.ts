// The time now, moving on by itself every `everyMs` while the component that asked for it is mounted:
// for words that age ("checked 2 minutes ago", "about 2 min left") without asking the core again.
// Call it while a component initialises (its timer lives and dies with the component).
export function tickingNow(everyMs: number): { readonly now: number } {
  let now = $state(Date.now());
  $effect(() => {
    const timer = setInterval(() => (now = Date.now()), everyMs);
    return () => clearInterval(timer);
  });
  return {
    get now() {
      return now;
    },
  };
}
