export * from './poll-policy';
export * from './rate-limiter';
